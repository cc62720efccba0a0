// The FC 2.0 regions offered by the wizard's region picker, most used first. A region not listed
// can still be used through ALIBABA_CLOUD_REGION_ID or --region (it is added to the top).
export const FC_REGIONS: readonly string[] = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'cn-qingdao',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-chengdu',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'eu-central-1',
  'eu-west-1',
  'us-west-1',
  'us-east-1',
];

// The name of every FC 2.0 API by its method and path, so a request the sandbox does not answer
// gets a 501 that names the API (ListInstances, PutLayerACL, ...) rather than a bare path.
// Patterns are segments after /2016-08-15; `:` is a parameter, `*` the rest of the path.

const API_NAMES: [method: string, pattern: string, name: string][] = [
  ['GET', 'services', 'ListServices'],
  ['POST', 'services', 'CreateService'],
  ['GET', 'services/:', 'GetService'],
  ['PUT', 'services/:', 'UpdateService'],
  ['DELETE', 'services/:', 'DeleteService'],
  ['GET', 'services/:/functions', 'ListFunctions'],
  ['POST', 'services/:/functions', 'CreateFunction'],
  ['GET', 'services/:/functions/:', 'GetFunction'],
  ['PUT', 'services/:/functions/:', 'UpdateFunction'],
  ['DELETE', 'services/:/functions/:', 'DeleteFunction'],
  ['GET', 'services/:/functions/:/code', 'GetFunctionCode'],
  ['POST', 'services/:/functions/:/invocations', 'InvokeFunction'],
  ['GET', 'services/:/functions/:/triggers', 'ListTriggers'],
  ['POST', 'services/:/functions/:/triggers', 'CreateTrigger'],
  ['GET', 'services/:/functions/:/triggers/:', 'GetTrigger'],
  ['PUT', 'services/:/functions/:/triggers/:', 'UpdateTrigger'],
  ['DELETE', 'services/:/functions/:/triggers/:', 'DeleteTrigger'],
  ['GET', 'services/:/versions', 'ListVersions'],
  ['POST', 'services/:/versions', 'PublishServiceVersion'],
  ['DELETE', 'services/:/versions/:', 'DeleteVersion'],
  ['GET', 'services/:/aliases', 'ListAliases'],
  ['POST', 'services/:/aliases', 'CreateAlias'],
  ['GET', 'services/:/aliases/:', 'GetAlias'],
  ['PUT', 'services/:/aliases/:', 'UpdateAlias'],
  ['DELETE', 'services/:/aliases/:', 'DeleteAlias'],
  ['GET', 'services/:/tempCodeBucketToken', 'GetTempCodeBucketToken'],
  ['GET', 'services/:/functions/:/async-invoke-config', 'GetFunctionAsyncInvokeConfig'],
  ['PUT', 'services/:/functions/:/async-invoke-config', 'PutFunctionAsyncInvokeConfig'],
  ['DELETE', 'services/:/functions/:/async-invoke-config', 'DeleteFunctionAsyncInvokeConfig'],
  ['GET', 'services/:/functions/:/async-invoke-configs', 'ListFunctionAsyncInvokeConfigs'],
  ['GET', 'services/:/functions/:/provision-config', 'GetProvisionConfig'],
  ['PUT', 'services/:/functions/:/provision-config', 'PutProvisionConfig'],
  ['GET', 'provision-configs', 'ListProvisionConfigs'],
  ['GET', 'services/:/functions/:/on-demand-config', 'GetFunctionOnDemandConfig'],
  ['PUT', 'services/:/functions/:/on-demand-config', 'PutFunctionOnDemandConfig'],
  ['DELETE', 'services/:/functions/:/on-demand-config', 'DeleteFunctionOnDemandConfig'],
  ['GET', 'on-demand-configs', 'ListOnDemandConfigs'],
  ['GET', 'services/:/functions/:/instances', 'ListInstances'],
  ['POST', 'services/:/functions/:/instances/:/exec', 'InstanceExec'],
  ['GET', 'services/:/functions/:/stateful-async-invocations', 'ListStatefulAsyncInvocations'],
  ['GET', 'services/:/functions/:/stateful-async-invocations/:', 'GetStatefulAsyncInvocation'],
  ['PUT', 'services/:/functions/:/stateful-async-invocations/:', 'StopStatefulAsyncInvocation'],
  ['GET', 'services/:/functions/:/concurrency', 'GetFunctionConcurrency'],
  ['GET', 'custom-domains', 'ListCustomDomains'],
  ['POST', 'custom-domains', 'CreateCustomDomain'],
  ['GET', 'custom-domains/:', 'GetCustomDomain'],
  ['PUT', 'custom-domains/:', 'UpdateCustomDomain'],
  ['DELETE', 'custom-domains/:', 'DeleteCustomDomain'],
  ['GET', 'layers', 'ListLayers'],
  ['GET', 'layers/:/versions', 'ListLayerVersions'],
  ['POST', 'layers/:/versions', 'PublishLayerVersion'],
  ['GET', 'layers/:/versions/:', 'GetLayerVersion'],
  ['DELETE', 'layers/:/versions/:', 'DeleteLayerVersion'],
  ['GET', 'layerarn/:', 'GetLayerVersionByArn'],
  ['PUT', 'layers/:/acl', 'PutLayerACL'],
  ['POST', 'tag', 'TagResource'],
  ['DELETE', 'tag', 'UntagResource'],
  ['GET', 'tag', 'GetResourceTags'],
  ['GET', 'account-settings', 'GetAccountSettings'],
  ['GET', 'reservedCapacities', 'ListReservedCapacities'],
  ['GET', 'tempBucketToken', 'GetTempBucketToken'],
  ['GET', 'accountConfigs', 'GetAccountConfigs'],
  ['GET', 'services/:/functions/:/vpc-bindings', 'ListVpcBindings'],
  ['POST', 'services/:/bindings', 'CreateVpcBinding'],
  ['GET', 'services/:/bindings', 'ListVpcBindings'],
  ['DELETE', 'services/:/bindings/:', 'DeleteVpcBinding'],
  ['GET', 'proxy/*', 'HTTP trigger'],
  ['POST', 'proxy/*', 'HTTP trigger'],
  ['PUT', 'proxy/*', 'HTTP trigger'],
  ['DELETE', 'proxy/*', 'HTTP trigger'],
  ['PATCH', 'proxy/*', 'HTTP trigger'],
  ['HEAD', 'proxy/*', 'HTTP trigger'],
  ['OPTIONS', 'proxy/*', 'HTTP trigger'],
];

function fits(pattern: string[], segments: string[]): boolean {
  if (pattern[pattern.length - 1] === '*') {
    return segments.length >= pattern.length && pattern.slice(0, -1).every((p, i) => p === ':' || p === segments[i]);
  }
  return (
    pattern.length === segments.length && pattern.every((p, i) => (p === ':' ? segments[i] !== '' : p === segments[i]))
  );
}

/** The FC API a request is, e.g. `ListInstances`, or undefined when FC 2.0 has no such API. */
export function apiNameOf(method: string, segments: readonly string[]): string | undefined {
  const found = API_NAMES.find(([m, pattern]) => m === method && fits(pattern.split('/'), [...segments]));
  return found?.[2];
}

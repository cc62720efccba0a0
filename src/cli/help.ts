// Help texts. Plain strings, so `fcw --help` loads nothing else.
export const VERSION: string = __FCW_VERSION__;

export const MAIN_HELP = `fcw ${VERSION}: deploy functions to Alibaba Cloud Function Compute 2.0

Usage
  fcw                                 the wizard (needs a terminal)
  fcw deploy --profile NAME [flags]   redeploy a saved profile; flags override its fields
  fcw deploy [flags]                  deploy with every field given as a flag
  fcw invoke --profile NAME [flags]   run the deployed function once and show its answer and log
  fcw package DIR [flags]             build the code package only and report on it
  fcw profiles list|show NAME|rm NAME saved profiles
  fcw serve [--port N] [--data DIR]   the local sandbox: an FC 2.0 compatible endpoint

Global flags
  --endpoint URL      a sandbox or any FC 2.0 compatible endpoint
  --region ID         e.g. cn-hangzhou
  --account-id ID     the Alibaba Cloud account id
  -y, --yes           do not ask for confirmation
  --dry-run           do everything but the writes; print the plan and the requests
  --json              one JSON object on stdout; human text on stderr
  --no-animation      print the summary at once
  -h, --help          help for fcw or a command
  -v, --version       print the version

Exit codes: 0 done, 1 the deploy, the service or the invoked function failed, 2 bad usage or input,
130 cancelled.
Run \`fcw COMMAND --help\` for a command's flags.
`;

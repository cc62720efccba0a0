// The exit codes the wizard ends with (design.md): the command returns them to main.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_CANCELLED = 130;

/** A bad command line: the dispatcher prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {}

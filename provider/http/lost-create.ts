/** @deprecated Moved to ./unknown-outcomes; this module only re-exports it until every caller has switched. */
export {
  createMayHaveCommitted,
  findAfterLostCreate,
  lostCreateSettleMs,
  mayHaveBeenProcessed,
  recoverLostCreate,
  settlesTo,
} from "./unknown-outcomes";

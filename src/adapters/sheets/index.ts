export { type ReadContext, translateSheetsError } from './errors.js';
export {
  createGoogleSheetPort,
  type GoogleSheetPort,
  type GoogleSheetPortOptions,
} from './google-sheet-port.js';
export { readServiceAccount, type ServiceAccount } from './service-account.js';
export type { InfluencerLookup, InfluencerTable, SheetLocation, SheetPort } from './sheet-port.js';
export { redirectTokenRequests } from './token-redirect.js';

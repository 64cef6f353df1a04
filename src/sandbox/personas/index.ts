/**
 * Scripted influencers for the sandbox: persona definitions (a sheet row and a behaviour each),
 * the engine that answers the team's emails through the Gmail emulator's mailbox, and the pieces
 * both are built from.
 */
export {
  concede,
  DEFAULT_CEILING_CPM_CENTS,
  DEFAULT_FLOOR_CPM_CENTS,
  personaNumbers,
  priceAtCpm,
  roundAsk,
  writeAmount,
} from './amounts.js';
export { initialState, nextMove, type PersonaState, type Step } from './behaviour.js';
export { PERSONAS, type PersonaId, personaById, senderOf } from './catalog.js';
export {
  createPersonas,
  type Personas,
  type PersonasOptions,
  type Started,
  type StartOptions,
} from './engine.js';
export {
  appleDate,
  type Draft,
  formatAddress,
  gmailDate,
  messageIdFor,
  outlookDate,
  type QuotedMessage,
  renderEmail,
  replySubject,
} from './formats.js';
export {
  addressesIn,
  bodyText,
  htmlToText,
  latestWords,
  offeredAmounts,
  partText,
  readTeamEmail,
} from './reading.js';
export { personaSpreadsheet, SHEET_HEADER, sheetRow } from './sheet.js';
export type * from './types.js';
export { composeBody, defaultLines, linesFor, POST } from './voice.js';

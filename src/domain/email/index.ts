export {
  type EmailAddress,
  formatAddress,
  parseAddress,
  parseAddressList,
  sameAddress,
} from './addresses.js';
export type { AttachmentInfo } from './body.js';
export { latestReply } from './latest-reply.js';
export { parseMessageIds } from './message-ids.js';
export { MAX_RAW_BYTES, type ParsedEmail, parseEmail } from './parse-email.js';

/**
 * Signatures at the end of a reply: the "-- " delimiter (RFC 3676 §4.3), mobile footers ("Sent
 * from my iPhone", "Get Outlook for iOS") and a short name/title/phone/links block after a
 * sign-off ("Best,", "Thanks, Maya"). The sign-off itself is kept: it is something the person
 * wrote. Anything that could be content — a question, an amount, a P.S., a sentence in lower
 * case — stops the search, so a real paragraph after "Thanks!" is never dropped.
 */

const DELIMITER = /^-- ?$/;
// The footers mail apps add; "Sent from my …" covers iPhone, iPad, Galaxy, Android and the rest.
const MOBILE_FOOTERS = [
  /^sent from my \S.*$/i,
  /^sent from (?:yahoo mail|mail|outlook|gmail|proton mail)\b.*$/i,
  /^sent (?:via|with) (?:superhuman|spark|blackberry|proton mail)\b.*$/i,
  /^get outlook for (?:ios|android)(?:\s*[<[(]\S+[>\])])?$/i, // "Get Outlook for iOS<https://…>"
  /^(?:envoyé de mon|envoyé depuis|enviado desde mi|enviado do meu|inviato dal mio) \S.*$/i,
  /^von meinem \S.* gesendet$/i,
  /^verzonden (?:vanaf|met) mijn \S.*$/i,
];
const SIGN_OFF_WORDS =
  '(?:best|best regards|kind regards|warm regards|warmest regards|regards|best wishes|all the best|cheers|thanks|thank you|thanks so much|thanks again|thank you so much|many thanks|thx|talk soon|speak soon|sincerely|yours|yours truly|warmly|xo|xoxo|x|love|take care|merci|cordialement|bien à vous|bises|grüße|viele grüße|liebe grüße|beste grüße|mit freundlichen grüßen|lg|saludos|un saludo|abrazos|groetjes|met vriendelijke groet|groeten|cumprimentos|abraços|obrigad[oa]|grazie|cordiali saluti|un abbraccio)';
const SIGN_OFF = new RegExp(`^${SIGN_OFF_WORDS}[ ,.!~-]*$`, 'i');
// "Best, Maya", "Cheers — Leo", "Thanks! Maya Chen": a sign-off, then one to three capitalised
// words. Matched in two steps because /i would let \p{Lu} match lower case too.
const WITH_NAME = /^(.*?)[,!]?\s*[-–—]?\s*\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,2}[.!]?$/u;
const SIGN_OFF_ONLY = new RegExp(`^${SIGN_OFF_WORDS}$`, 'i');
const CONNECTORS = new Set(['of', 'and', 'at', 'the', 'for', 'de', 'du', 'von', 'van', 'der', 'y']);
const MAX_SIGNATURE_LINES = 6;
// A phone number, an address or handle, a link or bare domain, or a "Title | Company" divider.
const CONTACT =
  /@|https?:\/\/|www\.|\d{3}|[|•·]|(?:^|\s)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:\/\S*)?$/i;

export function stripSignature(lines: string[]): string[] {
  let end = lines.length;
  const delimiter = lines.findIndex((l, i) => DELIMITER.test(l) && hasContent(lines, 0, i));
  if (delimiter >= 0) end = delimiter;
  const footer = lines.findIndex(
    (l, i) => i < end && isMobileFooter(l.trim()) && onlySignatureAfter(lines, i + 1, end),
  );
  if (footer >= 0) end = footer;
  return lines.slice(0, signOffEnd(lines, end));
}

/** The end of the text once a signature block after a sign-off is dropped. */
function signOffEnd(lines: string[], end: number): number {
  const block: string[] = [];
  let blockStart = end;
  for (let i = end - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (block.length > 0 && isSignOff(line)) return isSignatureBlock(block) ? blockStart : end;
    if (block.length >= MAX_SIGNATURE_LINES || signatureKind(line) === null) return end;
    block.unshift(line);
    blockStart = i;
  }
  return end;
}

function isMobileFooter(line: string): boolean {
  return line.length <= 80 && MOBILE_FOOTERS.some((re) => re.test(line));
}

function isSignOff(line: string): boolean {
  if (line.length > 60) return false;
  if (SIGN_OFF.test(line)) return true;
  const named = WITH_NAME.exec(line);
  return named !== null && SIGN_OFF_ONLY.test(named[1] ?? '');
}

function onlySignatureAfter(lines: string[], from: number, end: number): boolean {
  const rest = lines.slice(from, end).filter((l) => l.trim() !== '');
  return rest.length <= 3 && (rest.length === 0 || isSignatureBlock(rest.map((l) => l.trim())));
}

/**
 * Lines after a sign-off are a signature when each could be one and the block shows it: a
 * contact detail (phone, address, link, handle), or just a name. "Maya" is a signature;
 * "looking forward to it" is not, and neither is a short lower-case line on its own.
 */
function isSignatureBlock(block: string[]): boolean {
  const kinds = block.map(signatureKind);
  if (kinds.some((k) => k === null)) return false;
  return kinds.includes('contact') || kinds[0] === 'name';
}

type SignatureKind = 'contact' | 'name' | 'short' | null;

function signatureKind(line: string): SignatureKind {
  if (line.length > 80 || /^p\.?\s?s\b/i.test(line)) return null;
  if (/\$\s?\d|\d\s?(?:usd|dollars)\b/i.test(line) || /\?$/.test(line)) return null;
  if (CONTACT.test(line)) return 'contact';
  const words = line.split(/[\s,/&–—-]+/).filter((w) => w !== '');
  if (words.length === 0 || words.length > 6) return null;
  const capitalised = words.every(
    (w) => /^[^\p{L}]/u.test(w) || /^\p{Lu}/u.test(w) || CONNECTORS.has(w),
  );
  if (capitalised && words.length <= 4) return 'name';
  // A title such as "Food & travel creator": short, and not ended like a sentence.
  return /[.!:;,]$/.test(line) ? null : 'short';
}

function hasContent(lines: string[], from: number, to: number): boolean {
  return lines.slice(from, to).some((l) => l.trim() !== '');
}

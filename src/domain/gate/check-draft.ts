/**
 * The validation gate (NEGOTIATION.md): a pure check of one outgoing draft against the decision
 * it was written for. Every failure names the offending text, because the failures are fed back
 * to the model for one re-composition and then shown to a person with the escalated draft.
 */
import { type Cents, formatCents } from '../money.js';
import { type AmountMention, extractAmounts } from './amounts.js';
import { findCommitments } from './commitments.js';
import {
  DEFAULT_LENGTH,
  type Draft,
  type DraftPurpose,
  type GateDecision,
  type GateFailure,
  type GateResult,
  type GateRule,
  MAX_SUBJECT_LENGTH,
} from './decision.js';
import { checkDeliverables, describeDeliverable } from './deliverable-mentions.js';
import { findBareBounds, findInternalWords, type InternalNumbers } from './internal-numbers.js';
import { findPlaceholders } from './placeholders.js';

const NAMES_OFFER: ReadonlySet<DraftPurpose> = new Set(['opening', 'counter', 'agreement']);

/** Checks a draft; `passed` is true exactly when `failures` is empty. */
export function checkDraft(draft: Draft, decision: GateDecision): GateResult {
  if (NAMES_OFFER.has(decision.purpose) && decision.offerCents === undefined) {
    // A caller bug, not a property of the draft: the decision itself is incomplete.
    throw new RangeError(`a ${decision.purpose} decision needs offerCents`);
  }
  const body = normalise(draft.body);
  if (body.trim() === '') return result([{ rule: 'empty', detail: 'the body is empty' }]);
  const subject = normalise(draft.subject ?? '');
  const text = subject === '' ? body : `${subject}\n\n${body}`;
  const amounts = extractAmounts(text);
  return result([
    ...checkLength(body, subject, decision.length ?? DEFAULT_LENGTH),
    ...findPlaceholders(text).map((p) => fail('placeholder', `placeholder "${p}" left in`)),
    ...checkAmounts(amounts, decision),
    ...checkInternal(text, amounts, decision),
    ...checkRequired(text, amounts, decision),
    ...checkCommitments(text, decision),
    ...checkNamedDeliverables(text, decision),
  ]);
}

/** Curly quotes and non-breaking spaces, same length so spans stay valid. */
function normalise(text: string): string {
  return text.replace(/[\u2018\u2019]/g, "'").replace(/\u00a0/g, ' ');
}

function checkLength(body: string, subject: string, bounds: { min: number; max: number }) {
  const length = body.trim().length;
  const failures: GateFailure[] = [];
  if (length < bounds.min)
    failures.push(fail('length', `body is ${length} characters; the minimum is ${bounds.min}`));
  if (length > bounds.max)
    failures.push(fail('length', `body is ${length} characters; the maximum is ${bounds.max}`));
  if (subject.length > MAX_SUBJECT_LENGTH) {
    const detail = `subject is ${subject.length} characters; the maximum is ${MAX_SUBJECT_LENGTH}`;
    failures.push(fail('length', detail));
  }
  return failures;
}

function allowedFees(decision: GateDecision): Map<Cents, string> {
  const allowed = new Map<Cents, string>();
  const add = (cents: Cents | undefined, why: string) => {
    if (cents !== undefined && !allowed.has(cents)) allowed.set(cents, why);
  };
  add(decision.offerCents, decision.purpose === 'agreement' ? 'agreed' : 'our offer');
  add(decision.askCents, 'their ask');
  for (const cents of decision.alsoAllowedCents ?? []) add(cents, 'also allowed');
  return allowed;
}

function checkAmounts(amounts: AmountMention[], decision: GateDecision): GateFailure[] {
  const allowed = allowedFees(decision);
  const internal = internalAmounts(decision.internal ?? {});
  const list = [...allowed].map(([c, why]) => `${money(c)} ${why}`).join(', ') || 'none';
  return amounts.flatMap((a): GateFailure[] => {
    if (a.currency === 'other') {
      return [fail('other_currency', `"${a.text}" is not in US dollars; we only negotiate in USD`)];
    }
    if (a.cents === null) return [fail('amount_not_allowed', `"${a.text}" is not an exact amount`)];
    if (decision.purpose === 'decline') {
      return [fail('amount_not_allowed', `"${a.text}": a decline names no amount`)];
    }
    const leaked = internal.get(`${a.unit}:${a.cents}`);
    if (a.unit === 'cpm') {
      if (decision.allowedCpmCents?.includes(a.cents)) return [];
      if (leaked) return [fail('internal_number', `"${a.text}" reveals our ${leaked}`)];
      return [fail('amount_not_allowed', `"${a.text}" is a rate per 1,000 views we do not share`)];
    }
    if (allowed.has(a.cents)) return [];
    if (leaked) return [fail('internal_number', `"${a.text}" reveals our ${leaked}`)];
    return [fail('amount_not_allowed', `"${a.text}" is not an allowed amount (allowed: ${list})`)];
  });
}

/** Keyed "fee:cents" / "cpm:cents" so a $20 fee is not confused with a $20 CPM. */
function internalAmounts(internal: InternalNumbers): Map<string, string> {
  const map = new Map<string, string>();
  const add = (unit: string, cents: Cents | undefined, name: string) => {
    if (cents !== undefined) map.set(`${unit}:${cents}`, `${name} (${money(cents)})`);
  };
  add('fee', internal.floorCents, 'floor');
  add('fee', internal.ceilingCents, 'ceiling');
  add('cpm', internal.cpmTargetCents, 'CPM target');
  add('cpm', internal.cpmCeilingCents, 'ceiling CPM');
  return map;
}

function checkInternal(text: string, amounts: AmountMention[], decision: GateDecision) {
  const words = findInternalWords(text).map((w) =>
    fail('internal_number', `"${w}" talks about our internal pricing`),
  );
  const allowed = new Set(allowedFees(decision).keys());
  const bare = findBareBounds(text, decision.internal ?? {}, amounts, allowed).map((b) =>
    fail('internal_number', `"${b.text}" is our ${b.bound}`),
  );
  return [...words, ...bare];
}

function checkRequired(text: string, amounts: AmountMention[], decision: GateDecision) {
  const failures: GateFailure[] = [];
  const offer = decision.offerCents;
  if (NAMES_OFFER.has(decision.purpose) && offer !== undefined) {
    const named = amounts.some(
      (a) => a.currency === 'USD' && a.unit === 'fee' && a.cents === offer,
    );
    const what = decision.purpose === 'agreement' ? 'the agreed amount' : 'our offer';
    if (!named)
      failures.push(fail('missing_offer', `the draft does not name ${what} ${money(offer)}`));
  }
  const terms = decision.paymentTerms?.trim();
  if (decision.purpose === 'agreement' && terms && !mentions(text, terms)) {
    failures.push(
      fail('payment_terms_missing', `the agreement does not state the payment terms "${terms}"`),
    );
  }
  return failures;
}

function checkCommitments(text: string, decision: GateDecision): GateFailure[] {
  const allowed = new Set(decision.allowedCommitments ?? []);
  if (decision.paymentTerms?.trim()) allowed.add('payment_terms');
  return findCommitments(text, allowed).map((c) =>
    fail(
      'commitment',
      `"${c.text}" commits to ${c.kind.replace('_', ' ')}, which this decision does not allow`,
    ),
  );
}

function checkNamedDeliverables(text: string, decision: GateDecision): GateFailure[] {
  if (!NAMES_OFFER.has(decision.purpose)) return [];
  return checkDeliverables(text, decision.deliverables ?? []).map((p) => {
    const expected = describeDeliverable(p.deliverable);
    if (p.kind === 'wrong_quantity') {
      return fail('deliverables_mismatch', `"${p.text}" contradicts the deal: ${expected}`);
    }
    if (p.kind === 'quantity_missing') {
      return fail(
        'deliverables_missing',
        `names the deliverable but not the quantity: ${expected}`,
      );
    }
    return fail('deliverables_missing', `does not name the deliverable: ${expected}`);
  });
}

/** Case- and spacing-insensitive: "Net 30" matches "net-30". */
/** The phrase, whitespace and hyphens aside, not inside a longer word; a final full stop optional. */
function mentions(text: string, phrase: string): boolean {
  const words = phrase
    .replace(/[.;,]+$/, '')
    .split(/[\s-]+/)
    .filter(Boolean)
    .map(escapeRegExp);
  if (words.length === 0) return true;
  return new RegExp(`(?<![\\w])${words.join('[\\s-]+')}(?![\\w])`, 'i').test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function money(cents: Cents): string {
  return formatCents(cents, { dropZeroCents: true });
}

function fail(rule: GateRule, detail: string): GateFailure {
  return { rule, detail };
}

function result(failures: GateFailure[]): GateResult {
  const seen = new Set<string>();
  const unique = failures.filter((f) => {
    const key = `${f.rule}\u0000${f.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { passed: unique.length === 0, failures: unique };
}

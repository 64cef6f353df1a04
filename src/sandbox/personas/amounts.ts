/**
 * The personas' arithmetic, in integer cents like the product's: prices from CPMs, round asks
 * the way people quote them, and amounts written the many ways influencers write them.
 */
import { type Cents, formatCents } from '../../domain/money.js';
import type { AmountStyle, Persona } from './types.js';

/** The product's defaults (config/rate-card.yaml): floor CPM $20, ceiling CPM $30. */
export const DEFAULT_FLOOR_CPM_CENTS = 2000;
export const DEFAULT_CEILING_CPM_CENTS = 3000;

/** People quote round numbers: asks are multiples of $50. */
const ASK_STEP_CENTS = 5000;

/** views / 1000 × CPM for one post, rounded half-up to the cent (the rate card's formula). */
export function priceAtCpm(views: number, cpmCents: number): Cents {
  if (!Number.isSafeInteger(views) || !Number.isSafeInteger(cpmCents) || views < 0 || cpmCents < 0)
    throw new RangeError(`views and CPM must be whole and non-negative: ${views}, ${cpmCents}`);
  // Both are integers, so the product is exact; adding 500 before dividing rounds half-up.
  return Math.floor((views * cpmCents + 500) / 1000);
}

/** Rounds an ask half-up to a multiple of $50, never to nothing. */
export function roundAsk(cents: Cents): Cents {
  return Math.max(
    ASK_STEP_CENTS,
    Math.floor((cents + ASK_STEP_CENTS / 2) / ASK_STEP_CENTS) * ASK_STEP_CENTS,
  );
}

/** The persona's numbers in dollars-and-cents for its own views, next to the default bounds. */
export function personaNumbers(persona: Persona): {
  openingAskCents: Cents | null;
  reservationCents: Cents;
  floorCents: Cents;
  ceilingCents: Cents;
} {
  const views = persona.profile.averageViews;
  const { openingCpmCents, reservationCpmCents } = persona.terms;
  return {
    openingAskCents: openingCpmCents === null ? null : roundAsk(priceAtCpm(views, openingCpmCents)),
    reservationCents: priceAtCpm(views, reservationCpmCents),
    floorCents: priceAtCpm(views, DEFAULT_FLOOR_CPM_CENTS),
    ceilingCents: priceAtCpm(views, DEFAULT_CEILING_CPM_CENTS),
  };
}

/**
 * The next ask after an offer below the reservation: give up `concessionPercent` of the way to the
 * reservation, rounded like a person would, never below the reservation and never above the last
 * ask (a persona that concedes at all moves by at least one $50 step while it has room).
 */
export function concede(
  askCents: Cents,
  reservationCents: Cents,
  concessionPercent: number,
): Cents {
  if (askCents <= reservationCents || concessionPercent <= 0) return askCents;
  const step = Math.round(((askCents - reservationCents) * concessionPercent) / 100);
  let next = roundAsk(askCents - step);
  if (next >= askCents) next = askCents - ASK_STEP_CENTS;
  return Math.max(reservationCents, next);
}

/** An amount the way this persona writes it; styles that cannot hold the amount fall back. */
export function writeAmount(cents: Cents, style: AmountStyle): string {
  const whole = cents % 100 === 0;
  const dollars = Math.floor(cents / 100);
  const exact = `${dollars}.${String(cents % 100).padStart(2, '0')}`;
  switch (style) {
    case 'dollars':
      return formatCents(cents, { dropZeroCents: true });
    case 'cents':
      return formatCents(cents);
    case 'k': {
      // "0.8k" reads oddly and "1.5025k" is not how anyone writes money.
      if (!whole || dollars < 1000) return formatCents(cents, { dropZeroCents: true });
      const thousands = Math.floor(dollars / 1000);
      const rest = String(dollars % 1000)
        .padStart(3, '0')
        .replace(/0+$/, '');
      return `${thousands}${rest ? `.${rest}` : ''}k`;
    }
    case 'usd':
      return whole ? `${dollars} USD` : `${exact} USD`;
    case 'usd-grouped':
      return `${formatCents(cents, { dropZeroCents: true }).slice(1)} USD`;
    case 'bare':
      return whole ? `$${dollars}` : `$${exact}`;
  }
}

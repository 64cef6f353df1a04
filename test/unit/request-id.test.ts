/** Which inbound request ids are kept, and how the request context follows async work. */
import { describe, expect, it } from 'vitest';
import { requestIdFor } from '../../src/http/request-id.js';
import {
  currentRequestId,
  runOutsideRequest,
  runWithRequestId,
} from '../../src/observability/request-context.js';

const generated = () => 'generated-id';

describe('requestIdFor', () => {
  it.each(['a', 'x'.repeat(128), '0b6c9b3e-5f4e-4d1b-9b1e-2f0c7a1d9e42', 'edge:7f3a.42_b-C'])(
    'keeps the sane id %s',
    (inbound) => {
      expect(requestIdFor(inbound, generated)).toBe(inbound);
    },
  );

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a line break (log injection)', 'abc\ninjected'],
    ['a slash', '../etc'],
    ['non-ASCII letters', 'reqü'],
    ['quotes', '"id"'],
    ['a comma (two headers folded into one)', 'a,b'],
    ['an equals sign', 'Root=1-6789'],
  ])('replaces an id that is %s', (_, inbound) => {
    expect(requestIdFor(inbound, generated)).toBe('generated-id');
  });

  it('generates a UUID by default', () => {
    expect(requestIdFor('bad id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFor('bad id')).not.toBe(requestIdFor('bad id'));
  });
});

describe('request context', () => {
  it('is empty outside a request', () => {
    expect(currentRequestId()).toBeUndefined();
  });

  it('follows awaits, timers and promise callbacks started inside the request', async () => {
    const seen = await runWithRequestId('req-1', async () => {
      const afterAwait = await Promise.resolve().then(() => currentRequestId());
      const inTimer = await new Promise<string | undefined>((resolve) =>
        setTimeout(() => resolve(currentRequestId()), 0),
      );
      return { afterAwait, inTimer };
    });
    expect(seen).toEqual({ afterAwait: 'req-1', inTimer: 'req-1' });
    expect(currentRequestId()).toBeUndefined();
  });

  it('keeps interleaved requests apart', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = runWithRequestId('first', async () => {
      await gate;
      order.push(`first:${currentRequestId()}`);
    });
    const second = runWithRequestId('second', async () => {
      order.push(`second:${currentRequestId()}`);
      release();
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['second:second', 'first:first']);
  });

  it('lets background work scheduled from a request run outside it', async () => {
    const seen = await runWithRequestId('req-2', () =>
      runOutsideRequest(
        () =>
          new Promise<string | undefined>((resolve) =>
            setTimeout(() => resolve(currentRequestId()), 0),
          ),
      ),
    );
    expect(seen).toBeUndefined();
  });
});

/** One sandbox model per test file: started before the tests, reset before each, closed after. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startAnthropicEmulator } from '../../src/sandbox/anthropic/emulator.js';

export type AnthropicEmulator = Awaited<ReturnType<typeof startAnthropicEmulator>>;

/** Call at the top of a test file; the returned function gives the running emulator. */
export function useAnthropicEmulator(): () => AnthropicEmulator {
  let emulator: AnthropicEmulator | undefined;
  beforeAll(async () => {
    emulator = await startAnthropicEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(() => emulator?.reset());
  return () => {
    if (!emulator) throw new Error('the sandbox model is not running (outside a test?)');
    return emulator;
  };
}

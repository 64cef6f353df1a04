/** The command list `negotiator --help` prints says what each command module says of itself. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';

describe('the command list', () => {
  it('names and summarises each command as its module does', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({
        name: entry.name,
        summary: entry.summary,
      });
    }
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });
});

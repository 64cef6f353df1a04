import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';

/** A configuration file that is missing or wrong; the message names the file and each field. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigFileError';
  }
}

/** Reads, parses and validates a YAML file. Never falls back to defaults. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileError(file, [
      code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? 'unknown error'})`,
    ]);
  }
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw new ConfigFileError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    throw new ConfigFileError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/**
 * The Dockerfile as data, and a rehearsal of its image without a Docker engine.
 *
 * `parseDockerfile` turns the file (parsed by dockerfile-ast, validated by dockerfile-utils) into
 * stages of ordered steps. `dockerignoreMatcher` answers "is this path left out of the build
 * context" with Docker's rules (last matching pattern wins, `!` re-includes, `**` spans folders, a
 * left-out folder leaves out everything in it). `rehearseImage` replays the stages into a folder:
 * each COPY copies what it names (context files through `.dockerignore`, or another stage's
 * files), the build stage's npm commands run as written, and the runtime stage's layout comes out
 * as the image would hold it, rooted in a temporary folder.
 *
 * What the rehearsal does not do, and why: the network install (`npm ci`) is replaced by a copy of
 * the checkout's installed node_modules (same lockfile, no registry, seconds instead of minutes);
 * the runtime stage's RUN lines (apt-get, useradd) are not run on this machine — their one effect
 * the service relies on, a data folder owned by the USER, is made by the caller.
 *
 * One file over the usual size because parsing, the ignore rules and the replay describe one thing
 * (the image) and are only used together.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import {
  DockerfileParser,
  type Env as EnvInstruction,
  type Instruction,
  type ModifiableInstruction,
} from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export type Problem = ReturnType<typeof validate>[number];

export type Step =
  | { kind: 'workdir'; path: string }
  | { kind: 'copy'; line: number; from: string | null; sources: string[]; dest: string }
  | { kind: 'run'; line: number; command: string; workdir: string }
  | { kind: 'volume'; paths: string[] };

export interface Healthcheck {
  options: Record<string, string>;
  /** The argv Docker executes: exec form as written, shell form through /bin/sh -c. */
  command: string[];
  form: 'exec' | 'shell';
}

export interface Stage {
  name: string | null;
  image: string;
  steps: Step[];
  workdir: string;
  env: Record<string, string>;
  /** The last USER of the stage (null: root). */
  user: string | null;
  exposed: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  healthcheck: Healthcheck | null;
  stopSignal: string | null;
  /** Every ADD, with its sources (this file should have none). */
  adds: string[][];
}

export interface ParsedDockerfile {
  stages: Stage[];
  final: Stage;
  problems: Problem[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const problems = validate(text);
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const [image = '', as, name] = instruction.getArguments().map((a) => a.getValue());
      // A stage built FROM another would inherit its files, ENV and USER: not modelled here.
      if (stages.some((s) => s.name === image))
        throw new Error(`FROM ${image}: stages built on other stages are not modelled`);
      stages.push(emptyStage(image, as?.toUpperCase() === 'AS' ? (name ?? null) : null));
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue; // ARG before the first FROM
    applyInstruction(stage, instruction);
  }
  const final = stages.at(-1);
  if (!final) throw new Error('the Dockerfile has no FROM');
  return { stages, final, problems };
}

function emptyStage(image: string, name: string | null): Stage {
  return {
    name,
    image,
    steps: [],
    workdir: '/',
    env: {},
    user: null,
    exposed: [],
    cmd: null,
    entrypoint: null,
    healthcheck: null,
    stopSignal: null,
    adds: [],
  };
}

function applyInstruction(stage: Stage, instruction: Instruction): void {
  const args = instruction.getArguments().map((a) => a.getValue());
  const line = instruction.getRange().start.line + 1;
  switch (instruction.getKeyword()) {
    case 'WORKDIR':
      stage.workdir = posix.resolve(stage.workdir, args.join(' '));
      stage.steps.push({ kind: 'workdir', path: stage.workdir });
      break;
    case 'ENV':
      for (const p of (instruction as EnvInstruction).getProperties())
        stage.env[p.getName()] = p.getValue() ?? '';
      break;
    case 'USER':
      stage.user = args[0] ?? null;
      break;
    case 'EXPOSE':
      stage.exposed.push(...args);
      break;
    case 'VOLUME':
      stage.steps.push({ kind: 'volume', paths: jsonOrWords(instruction) });
      break;
    case 'STOPSIGNAL':
      stage.stopSignal = args[0] ?? null;
      break;
    case 'CMD':
      stage.cmd = execForm(instruction);
      break;
    case 'ENTRYPOINT':
      stage.entrypoint = execForm(instruction);
      break;
    case 'HEALTHCHECK':
      stage.healthcheck = healthcheckOf(instruction);
      break;
    case 'ADD':
      stage.adds.push(args.filter((a) => !a.startsWith('--')).slice(0, -1));
      break;
    case 'COPY':
      stage.steps.push(copyStep(stage, instruction, line));
      break;
    case 'RUN':
      stage.steps.push({
        kind: 'run',
        line,
        command: runCommand(instruction),
        workdir: stage.workdir,
      });
      break;
  }
}

function copyStep(stage: Stage, instruction: Instruction, line: number): Step {
  const flags = (instruction as ModifiableInstruction).getFlags();
  const from = flags.find((f) => f.getName() === 'from')?.getValue() ?? null;
  const args = jsonOrWords(instruction);
  const target = args.at(-1) ?? '';
  const dest = posix.resolve(stage.workdir, target) + (target.endsWith('/') ? '/' : '');
  return { kind: 'copy', line, from, sources: args.slice(0, -1), dest };
}

/** The arguments of an instruction in JSON form, or its whitespace-separated words. */
function jsonOrWords(instruction: Instruction): string[] {
  const content = instruction.getArgumentsContent()?.trim() ?? '';
  const withoutFlags = content.replace(/^(--\S+\s+)*/, '');
  if (withoutFlags.startsWith('[')) return JSON.parse(withoutFlags) as string[];
  return instruction
    .getArguments()
    .map((a) => a.getValue())
    .filter((a) => !a.startsWith('--'));
}

function execForm(instruction: Instruction): string[] {
  const content = instruction.getArgumentsContent()?.trim() ?? '';
  return content.startsWith('[') ? (JSON.parse(content) as string[]) : ['/bin/sh', '-c', content];
}

/** The shell command of a RUN as Docker hands it to /bin/sh (line continuations removed). */
function runCommand(instruction: Instruction): string {
  return (instruction.getArgumentsContent() ?? '').replace(/\\\r?\n\s*/g, '').trim();
}

function healthcheckOf(instruction: Instruction): Healthcheck | null {
  const flags = (instruction as ModifiableInstruction).getFlags();
  const options = Object.fromEntries(flags.map((f) => [f.getName(), f.getValue() ?? '']));
  const content = instruction.getArgumentsContent()?.trim() ?? '';
  if (/^NONE$/i.test(content)) return null;
  const body = content.replace(/^CMD\s+/i, '');
  return body.startsWith('[')
    ? { options, command: JSON.parse(body) as string[], form: 'exec' }
    : { options, command: ['/bin/sh', '-c', body], form: 'shell' };
}

/** Docker's `.dockerignore` rules: true when `path` (relative to the context) is left out. */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = posix.normalize((negated ? l.slice(1) : l).trim()).replace(/^\/+|\/+$/g, '');
      return { negated, regex: globToRegex(pattern) };
    });
  return (path) => {
    const parts = posix
      .normalize(path)
      .replace(/^\.?\/+/, '')
      .split('/');
    // A path is left out when it or any folder above it is matched by the last rule that matches.
    let excluded = false;
    for (const rule of rules) {
      const hit = parts.some((_, i) => rule.regex.test(parts.slice(0, i + 1).join('/')));
      if (hit) excluded = !rule.negated;
    }
    return excluded;
  };
}

function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (pattern.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      out += end > i ? pattern.slice(i, end + 1).replace('[!', '[^') : '\\[';
      if (end > i) i = end;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export interface RehearsalOptions {
  dockerfile: ParsedDockerfile;
  /** The build context (the checkout). */
  context: string;
  ignored: (path: string) => boolean;
  /** An installed node_modules for the same lockfile: what `npm ci` would have produced. */
  installedModules: string;
  /** An empty folder: each stage gets a root below it. */
  into: string;
}

export interface RehearsedImage {
  /** Where the runtime stage's `/` is. */
  root: string;
  stage: Stage;
  /** An absolute path in the image, as a path on this machine. */
  path(inImage: string): string;
  /** How long each stage took, in milliseconds. */
  timings: Record<string, number>;
}

/** Replays every stage of the Dockerfile; the last one is the image, the others are removed. */
export function rehearseImage(options: RehearsalOptions): RehearsedImage {
  const { stages, final } = options.dockerfile;
  const roots = new Map<string, string>();
  const timings: Record<string, number> = {};
  stages.forEach((stage, index) => {
    const started = performance.now();
    const root = join(options.into, `stage-${index}`);
    mkdirSync(root, { recursive: true });
    replayStage(stage, root, roots, options, stage === final);
    if (stage.name) roots.set(stage.name, root);
    roots.set(String(index), root);
    timings[stage.name ?? String(index)] = Math.round(performance.now() - started);
  });
  // As `docker build` does: the earlier stages are gone once the image is made.
  const root = join(options.into, `stage-${stages.length - 1}`);
  for (const stageRoot of new Set(roots.values()))
    if (stageRoot !== root) rmSync(stageRoot, { recursive: true, force: true });
  return { root, stage: final, path: (p) => join(root, p), timings };
}

function replayStage(
  stage: Stage,
  root: string,
  roots: Map<string, string>,
  options: RehearsalOptions,
  isFinal: boolean,
): void {
  for (const step of stage.steps) {
    if (step.kind === 'workdir') mkdirSync(join(root, step.path), { recursive: true });
    else if (step.kind === 'volume')
      for (const p of step.paths) mkdirSync(join(root, p), { recursive: true });
    else if (step.kind === 'copy') replayCopy(step, root, roots, options);
    else if (!isFinal) replayRun(step, root, stage.env, options);
  }
}

function replayCopy(
  step: Extract<Step, { kind: 'copy' }>,
  root: string,
  roots: Map<string, string>,
  options: RehearsalOptions,
): void {
  const into = (source: string) =>
    step.dest.endsWith('/') || step.sources.length > 1
      ? join(root, step.dest, posix.basename(source))
      : join(root, step.dest);
  for (const source of step.sources) {
    if (/[*?[]/.test(source)) throw new Error(`line ${step.line}: wildcards are not rehearsed`);
    if (step.from !== null) {
      const stageRoot = roots.get(step.from);
      if (!stageRoot) throw new Error(`line ${step.line}: no stage ${step.from} before it`);
      copyTree(join(stageRoot, posix.resolve('/', source)), into(source));
      continue;
    }
    const rel = posix.normalize(source).replace(/^\.?\/+/, '');
    if (options.ignored(rel)) throw new Error(`line ${step.line}: ${source} is in .dockerignore`);
    cpSync(join(options.context, rel), into(source), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => !options.ignored(relative(options.context, from) || '.'),
    });
  }
}

/** `cp -a`: symlinks, modes and owners as they are (what COPY --from keeps). */
function copyTree(from: string, to: string): void {
  mkdirSync(join(to, '..'), { recursive: true });
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    execFileSync('cp', ['-a', `${from}/.`, to]);
  } else execFileSync('cp', ['-a', from, to]);
}

const NPM_ONLY = /^npm\s/;

/**
 * A build-stage RUN: the install (`npm ci`) becomes a copy of the installed modules; any other
 * RUN made only of npm commands runs as written, offline; anything else is refused, so that a new
 * RUN is either rehearsed on purpose or fails here instead of running on this machine.
 */
function replayRun(
  step: Extract<Step, { kind: 'run' }>,
  root: string,
  env: Record<string, string>,
  options: RehearsalOptions,
): void {
  const cwd = join(root, step.workdir);
  if (/\bnpm\s+ci\b/.test(step.command)) {
    copyTree(options.installedModules, join(cwd, 'node_modules'));
    return;
  }
  const commands = step.command.split('&&').map((c) => c.trim());
  if (!commands.every((c) => NPM_ONLY.test(c)))
    throw new Error(`line ${step.line}: the rehearsal only runs npm commands: ${step.command}`);
  try {
    execFileSync('/bin/sh', ['-c', step.command], {
      cwd,
      stdio: 'pipe',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...env,
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
      },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`line ${step.line}: ${step.command} failed:\n${stdout}${stderr}`);
  }
}

export interface FileState {
  size: number;
  mtimeMs: number;
  mode: number;
}

/** Every file and folder below `dir` (symlinks not followed), except the `skip` folders. */
export function fileStates(dir: string, skip: string[] = []): Map<string, FileState> {
  const states = new Map<string, FileState>();
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (skip.includes(path)) continue;
      const stat = lstatSync(path);
      states.set(relative(dir, path), { size: stat.size, mtimeMs: stat.mtimeMs, mode: stat.mode });
      if (stat.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return states;
}

/** The uid and gid of a numeric `USER uid[:gid]`; null for a user name (not resolvable here). */
export function numericUser(user: string | null): { uid: number; gid: number } | null {
  const match = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  if (!match) return null;
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

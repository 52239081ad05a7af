import { applyEdits, modify, parse as parseJsonc, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { plainL10n, type L10n } from '../../shared/l10n';
import { fail, ok, type Outcome } from '../outcome';

/** The server entry a client config gets: launch the bridge launcher for this client. */
export interface BridgeEntry {
  readonly command: string;
  readonly args: readonly string[];
}

/** The result of a pure config edit: the new text, or `unchanged` (idempotent: nothing to write). */
export type ConfigEdit = { readonly kind: 'unchanged' } | { readonly kind: 'changed'; readonly text: string };
export type ConfigEditFailure = 'invalid_config' | 'unsupported_layout' | 'verification_failed';

export const SERVER_NAME = 'airlock';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Order-insensitive (for object keys) structural equality of JSON-like values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown => {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
    }
    return value;
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

// ── Codex: ~/.codex/config.toml ───────────────────────────────────────────────────────────────────────
//
// smol-toml parses and writes TOML but drops comments and reflows everything, so re-serialising the
// whole file would destroy the person's comments and layout. Instead we edit at the section level:
// find the `[mcp_servers.airlock]` table in the text, replace (or append, or remove) just those lines
// with a section smol-toml writes, and then *prove* the edit by parsing before and after: the new file
// must parse, hold exactly the intended entry, and everything else must be structurally unchanged.
// Anything the text edit cannot do safely (an inline table, dotted keys) is refused with a clear error.

const TABLE_HEADER = /^\s*\[/;
const AIRLOCK_KEY = `(?:${SERVER_NAME}|"${SERVER_NAME}"|'${SERVER_NAME}')`;
const AIRLOCK_MAIN_HEADER = new RegExp(`^\\s*\\[\\s*mcp_servers\\s*\\.\\s*${AIRLOCK_KEY}\\s*\\]\\s*(#.*)?$`);
const AIRLOCK_SUB_HEADER = new RegExp(`^\\s*\\[\\s*mcp_servers\\s*\\.\\s*${AIRLOCK_KEY}\\s*\\.`);

interface LineRange {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** The line ranges of tables whose header matches; a range ends before trailing blank/comment lines. */
function tableRanges(lines: readonly string[], matches: (line: string) => boolean): LineRange[] {
  const ranges: LineRange[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!matches(lines[i] ?? '')) continue;
    let end = i + 1;
    while (end < lines.length && !TABLE_HEADER.test(lines[end] ?? '')) end++;
    // Comments and blank lines just before the next header usually introduce that next table.
    while (end > i + 1 && /^\s*(#.*)?$/.test(lines[end - 1] ?? '')) end--;
    ranges.push({ start: i, end });
  }
  return ranges;
}

function parseTomlDocument(text: string, l10n: L10n): Outcome<Record<string, unknown>, ConfigEditFailure> {
  try {
    return ok(parseToml(text) as Record<string, unknown>);
  } catch (error) {
    const detail = (error instanceof Error ? error.message.split('\n')[0] : undefined) ?? 'parse error';
    return fail('invalid_config', l10n.t('The file is not valid TOML ({0}); fix it first, then connect again.', detail));
  }
}

/** The document with `mcp_servers.airlock` reduced to `keep` of its keys, and an empty mcp_servers dropped. */
function withoutAirlock(document: Record<string, unknown>, keep: (key: string) => boolean = () => false): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...document };
  const servers = isRecord(copy['mcp_servers']) ? { ...copy['mcp_servers'] } : undefined;
  if (!servers) return copy;
  const airlock = servers[SERVER_NAME];
  if (isRecord(airlock)) {
    const kept = Object.fromEntries(Object.entries(airlock).filter(([key]) => keep(key)));
    if (Object.keys(kept).length === 0) delete servers[SERVER_NAME];
    else servers[SERVER_NAME] = kept;
  } else {
    delete servers[SERVER_NAME];
  }
  if (Object.keys(servers).length === 0) delete copy['mcp_servers'];
  else copy['mcp_servers'] = servers;
  return copy;
}

const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

/**
 * Sets `[mcp_servers.airlock]` `command`/`args` in a Codex config.toml. Keeps every other table, key,
 * comment and the file's layout; keeps the section's own other keys (comments inside that one section
 * are rewritten). Unchanged when already connected. Refuses invalid TOML and layouts it cannot edit.
 */
export function connectCodexToml(original: string, entry: BridgeEntry, l10n: L10n = plainL10n): Outcome<ConfigEdit, ConfigEditFailure> {
  const parsed = parseTomlDocument(original, l10n);
  if (!parsed.ok) return parsed;
  const servers = parsed.value['mcp_servers'];
  const current = isRecord(servers) ? servers[SERVER_NAME] : undefined;
  if (current !== undefined && !isRecord(current)) return unsupported(l10n);
  if (current && current['command'] === entry.command && jsonEqual(current['args'], entry.args)) return ok({ kind: 'unchanged' });

  const eol = eolOf(original);
  const lines = original.split(/\r?\n/);
  const [main, ...duplicates] = tableRanges(lines, (line) => AIRLOCK_MAIN_HEADER.test(line));
  if (duplicates.length > 0) return unsupported(l10n);
  // Keys of our section other than command/args (e.g. startup_timeout_sec) survive; sub-tables
  // such as [mcp_servers.airlock.env] stay where they are, untouched.
  const otherScalars = current ? Object.fromEntries(Object.entries(current).filter(([key, value]) => key !== 'command' && key !== 'args' && !isRecord(value))) : {};
  const section = stringifyToml({ mcp_servers: { [SERVER_NAME]: { command: entry.command, args: [...entry.args], ...otherScalars } } }).trimEnd().split('\n');

  let next: string[];
  if (main) {
    next = [...lines.slice(0, main.start), ...section, ...lines.slice(main.end)];
  } else if (current) {
    // Defined as an inline table or with dotted keys: a text edit could break it.
    return unsupported(l10n);
  } else {
    const body = [...lines];
    while (body.length > 0 && (body[body.length - 1] ?? '').trim() === '') body.pop();
    next = body.length === 0 ? section : [...body, '', ...section];
    next.push('');
  }
  const text = next.join(eol);
  return verifyToml(l10n, parsed.value, text, (document) => {
    const airlock = (document['mcp_servers'] as Record<string, unknown> | undefined)?.[SERVER_NAME];
    return isRecord(airlock) && airlock['command'] === entry.command && jsonEqual(airlock['args'], entry.args);
  }, (key) => key !== 'command' && key !== 'args');
}

/** Removes `[mcp_servers.airlock]` and its sub-tables from a Codex config.toml; everything else stays. */
export function disconnectCodexToml(original: string, l10n: L10n = plainL10n): Outcome<ConfigEdit, ConfigEditFailure> {
  const parsed = parseTomlDocument(original, l10n);
  if (!parsed.ok) return parsed;
  const servers = parsed.value['mcp_servers'];
  if (!isRecord(servers) || servers[SERVER_NAME] === undefined) return ok({ kind: 'unchanged' });
  const lines = original.split(/\r?\n/);
  const ranges = tableRanges(lines, (line) => AIRLOCK_MAIN_HEADER.test(line) || AIRLOCK_SUB_HEADER.test(line));
  if (ranges.length === 0) return unsupported(l10n);
  const drop = new Set<number>();
  for (const range of ranges) {
    for (let i = range.start; i < range.end; i++) drop.add(i);
    // Also drop one blank line that separated the removed table from what follows.
    if ((lines[range.end] ?? 'x').trim() === '' && range.end < lines.length - 1) drop.add(range.end);
  }
  const text = lines.filter((_, index) => !drop.has(index)).join(eolOf(original));
  return verifyToml(l10n, parsed.value, text, (document) => !isRecord(document['mcp_servers']) || document['mcp_servers'][SERVER_NAME] === undefined);
}

function verifyToml(
  l10n: L10n,
  before: Record<string, unknown>,
  text: string,
  holdsIntent: (document: Record<string, unknown>) => boolean,
  keepAirlockKey?: (key: string) => boolean,
): Outcome<ConfigEdit, ConfigEditFailure> {
  const after = parseTomlDocument(text, l10n);
  if (!after.ok || !holdsIntent(after.value) || !jsonEqual(withoutAirlock(before, keepAirlockKey), withoutAirlock(after.value, keepAirlockKey))) {
    return fail('verification_failed', l10n.t('Airlock could not edit this file safely (the result would change other settings), so it changed nothing. Add the entry by hand.'));
  }
  return ok({ kind: 'changed', text });
}

const unsupported = (l10n: L10n): Outcome<never, ConfigEditFailure> =>
  fail('unsupported_layout', l10n.t('The "{0}" MCP server is defined in a form Airlock does not edit (inline table, dotted keys or duplicates); edit it by hand.', SERVER_NAME));

// ── Claude Code (.mcp.json, ~/.claude.json) and Cursor (mcp.json): JSON with comments ──────────────

function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  return {
    insertSpaces: indent === undefined || !indent.includes('\t'),
    tabSize: indent === undefined || indent.includes('\t') ? 2 : indent.length,
    eol: eolOf(text),
    insertFinalNewline: true,
  };
}

function parseJsonDocument(text: string, l10n: L10n): Outcome<Record<string, unknown>, ConfigEditFailure> {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) return fail('invalid_config', l10n.t('The file is not valid JSON (error at offset {0}); fix it first, then connect again.', errors[0]?.offset ?? 0));
  if (!isRecord(value)) return fail('invalid_config', l10n.t('The file does not hold a JSON object; fix it first, then connect again.'));
  return ok(value);
}

/**
 * Sets `mcpServers.airlock` to `entry` in a JSON/JSONC client config with jsonc-parser edits: comments,
 * other servers and formatting stay. An empty file becomes `{ "mcpServers": { "airlock": … } }`.
 */
export function connectJsonConfig(original: string, entry: Readonly<Record<string, Json>>, l10n: L10n = plainL10n): Outcome<ConfigEdit, ConfigEditFailure> {
  const source = original.trim() === '' ? '{}\n' : original;
  const parsed = parseJsonDocument(source, l10n);
  if (!parsed.ok) return parsed;
  const servers = parsed.value['mcpServers'];
  if (servers !== undefined && !isRecord(servers)) return fail('invalid_config', l10n.t('"mcpServers" in this file is not an object; fix it first.'));
  if (jsonEqual(servers?.[SERVER_NAME], entry)) return ok({ kind: 'unchanged' });
  const text = applyEdits(source, modify(source, ['mcpServers', SERVER_NAME], entry, { formattingOptions: formattingOf(source) }));
  return verifyJson(l10n, parsed.value, text, (servers) => jsonEqual(servers?.[SERVER_NAME], entry));
}

/** Removes `mcpServers.airlock` from a JSON/JSONC client config; everything else stays. */
export function disconnectJsonConfig(original: string, l10n: L10n = plainL10n): Outcome<ConfigEdit, ConfigEditFailure> {
  if (original.trim() === '') return ok({ kind: 'unchanged' });
  const parsed = parseJsonDocument(original, l10n);
  if (!parsed.ok) return parsed;
  const servers = parsed.value['mcpServers'];
  if (!isRecord(servers) || servers[SERVER_NAME] === undefined) return ok({ kind: 'unchanged' });
  const text = applyEdits(original, modify(original, ['mcpServers', SERVER_NAME], undefined, { formattingOptions: formattingOf(original) }));
  return verifyJson(l10n, parsed.value, text, (servers) => servers?.[SERVER_NAME] === undefined);
}

function verifyJson(
  l10n: L10n,
  before: Record<string, unknown>,
  text: string,
  holdsIntent: (servers: Record<string, unknown> | undefined) => boolean,
): Outcome<ConfigEdit, ConfigEditFailure> {
  const after = parseJsonDocument(text, l10n);
  const strip = (document: Record<string, unknown>): Record<string, unknown> => {
    const servers = isRecord(document['mcpServers']) ? { ...document['mcpServers'] } : undefined;
    if (!servers) return document;
    delete servers[SERVER_NAME];
    const rest: Record<string, unknown> = { ...document, mcpServers: servers };
    if (Object.keys(servers).length === 0) delete rest['mcpServers'];
    return rest;
  };
  if (!after.ok) return fail('verification_failed', l10n.t('Airlock could not edit this file safely, so it changed nothing.'));
  const servers = after.value['mcpServers'];
  if (!holdsIntent(isRecord(servers) ? servers : undefined) || !jsonEqual(strip(before), strip(after.value))) {
    return fail('verification_failed', l10n.t('Airlock could not edit this file safely (the result would change other settings), so it changed nothing.'));
  }
  return ok({ kind: 'changed', text });
}

import * as vscode from 'vscode';
import type { Log } from '../../core/log';
import { OUTPUT_CHANNEL_NAME } from '../../shared/ids';

/** Scrubs a line before it is written; the live redactor once grants exist, identity before. */
export type Scrub = (text: string) => string;

/** The Airlock output channel behind the one Log; every line passes through `scrub` first. */
export function createLogChannel(scrub: () => Scrub): { log: Log; channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const clean = (message: string): string => scrub()(message);
  const log: Log = {
    debug: (m) => channel.debug(clean(m)),
    info: (m) => channel.info(clean(m)),
    warn: (m) => channel.warn(clean(m)),
    error: (m) => channel.error(clean(m)),
  };
  return { log, channel };
}

// Helpers for tests that talk to Airlock's live MCP endpoint from inside the extension host.
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Client } from '@modelcontextprotocol/client';
import * as vscode from 'vscode';
import type { ClientId } from '../../../src/core/clients';
import { EXTENSION_ID } from '../../../src/shared/ids';
import type { AirlockEndpointTestApi, AirlockTestApi } from '../../../src/testFacet/api';
import { connectEndingSessionOnClose } from '../../support/mcpClient';

export async function airlockApi(): Promise<AirlockTestApi> {
  const extension = vscode.extensions.getExtension<AirlockTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned no test API (not in Test mode?)');
  return api;
}

/** The endpoint section of the test API, once the endpoint is listening; its URL. */
export async function liveEndpoint(): Promise<{ endpoint: AirlockEndpointTestApi; url: string }> {
  const api = await airlockApi();
  assert.ok(api.endpoint, 'the endpoint section is not wired');
  const url = await api.endpoint.ready();
  assert.ok(url, 'the endpoint did not start');
  return { endpoint: api.endpoint, url };
}

/** A real MCP SDK client over Streamable HTTP, authenticated as `client`. `close()` also ends the session. */
export async function connectHttpClient(url: string, token: string, name = 'integration-test'): Promise<Client> {
  return connectEndingSessionOnClose(url, token, name);
}

export async function connectAs(client: ClientId, name?: string): Promise<Client> {
  const { endpoint, url } = await liveEndpoint();
  return connectHttpClient(url, await endpoint.clientToken(client), name);
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One raw HTTP request (node:http, no MCP SDK), for what a hostile local process or web page would send.
 * `trickle` writes the body's first byte and then nothing (a slow-body attack).
 */
export function rawRequest(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; trickle?: boolean },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path ?? target.pathname,
        headers: options.headers,
        setHost: options.headers?.['host'] === undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server drops the socket after refusing an oversized body; a reset while we still write is a refusal.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve({ status: -1, headers: {}, body: error.code });
      else reject(error);
    });
    if (options.trickle) req.write(options.body?.slice(0, 1) ?? '{');
    else if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export const initializeBody = JSON.stringify({
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-http', version: '1' } },
});

export const jsonHeaders = (token?: string): Record<string, string> => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
});

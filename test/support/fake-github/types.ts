/** What tests and handlers exchange with the fake: requests, answers, and the record it keeps. */
import type { IncomingMessage } from 'node:http';

/** The request as a handler sees it, after validation. */
export interface FakeRequest {
  method: string;
  path: string;
  route: string;
  operationId: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export type FakeResponse =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Closes the socket without answering, as a network failure would. */
  | { dropConnection: true };

export type FakeHandler = (
  request: FakeRequest,
  next: () => Promise<FakeResponse>,
) => FakeResponse | Promise<FakeResponse>;

export type ViolationKind =
  | 'unknown-route'
  | 'method-not-allowed'
  | 'path-parameter'
  | 'query-parameter'
  | 'body'
  | 'auth'
  | 'unhandled'
  | 'handler-error'
  | 'response';

export interface Violation {
  kind: ViolationKind;
  method: string;
  url: string;
  operationId?: string;
  message: string;
}

export interface RecordedCall {
  method: string;
  path: string;
  url: string;
  route?: string;
  operationId?: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  headers: IncomingMessage['headers'];
  status: number | 'dropped';
}

import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemType } from './problem';

/**
 * Node answers a request it cannot parse (headers or URL over the size limit, broken framing)
 * before any route sees it, with a bare status and no body. This answers those as RFC 9457
 * problems too, so a client gets the same kind of error for every refusal.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      type: problemType(status, tooLarge ? 'header-fields-too-large' : 'malformed-request'),
      title: tooLarge ? 'Request header fields too large' : 'Malformed request',
      status,
      detail: tooLarge
        ? 'The request line or headers exceed the size limit.'
        : 'The HTTP request could not be parsed.',
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

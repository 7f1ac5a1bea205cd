import type { IncomingMessage } from 'node:http';

/**
 * Reads a request's body as the exact bytes sent, up to a limit. Pure Node (no Strapi): the webhook middleware
 * calls it before Strapi's body parser has touched the stream.
 */

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes`);
  }
}

export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  // Refuse before reading when the sender says up front that it is too large.
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop reading but keep the socket: the caller answers 413 and asks the client to close.
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('The client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Whether someone (Strapi's body parser, another middleware) already read this request's stream. */
export function isStreamConsumed(req: IncomingMessage): boolean {
  return req.readableEnded || (req as IncomingMessage & { readableDidRead?: boolean }).readableDidRead === true;
}

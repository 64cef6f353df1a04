/**
 * Reads a request body as UTF-8 text with a hard cap on its size. The declared Content-Length is
 * checked first (so an honest oversized request is refused without reading it), and the bytes
 * actually read are counted too: a chunked body has no Content-Length, and a lying one must not
 * get past the cap either.
 */

export type LimitedBody =
  | { ok: true; text: string }
  | {
      ok: false;
      problem: 'too large' | 'empty' | 'not utf-8' | 'bad content-length' | 'unreadable';
    };

export async function readLimitedBody(request: Request, maxBytes: number): Promise<LimitedBody> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) return { ok: false, problem: 'bad content-length' };
    if (Number(declared.trim()) > maxBytes) return { ok: false, problem: 'too large' };
  }
  if (!request.body) return { ok: false, problem: 'empty' };

  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        // Stop reading; the rest of an HTTP/1.1 body is drained (or the socket closed) by the
        // server after the response, so the caller still receives the answer.
        void reader.cancel().catch(() => {});
        return { ok: false, problem: 'too large' };
      }
      chunks.push(value);
    }
  } catch {
    // The client went away mid-body, or something upstream already consumed it.
    return { ok: false, problem: 'unreadable' };
  }
  if (size === 0) return { ok: false, problem: 'empty' };
  try {
    return {
      ok: true,
      text: new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, size)),
    };
  } catch {
    return { ok: false, problem: 'not utf-8' };
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

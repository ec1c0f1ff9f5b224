import type { IncomingMessage } from 'node:http'

import type { z } from 'zod'

import { ApiError, badRequest, validationsFrom } from './api-error.ts'

const JSON_LIMIT = 1 << 20

/** Reads the whole body, answering 413 past `limit` instead of buffering without bound. */
export async function readBody(req: IncomingMessage, limit = JSON_LIMIT): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new ApiError(413, `Request body is larger than ${limit} bytes.`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Parses a JSON body against a strict zod schema; malformed JSON, unknown fields and wrong types become 400. */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  const raw = await readBody(req)
  let value: unknown
  try {
    // An empty body is a decode error in Coder too ("EOF"), even where every field is optional.
    value = JSON.parse(raw.toString('utf8'))
  } catch (error) {
    throw badRequest('Request body must be valid JSON.', [
      { field: '(body)', detail: (error as Error).message },
    ])
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw badRequest('Validation failed.', validationsFrom(parsed.error))
  return parsed.data
}

import { z } from 'zod'

import { isOwner, issueToken, MAX_TOKEN_LIFETIME_MS } from '../auth.ts'
import { badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { sendJson } from '../http/respond.ts'
import type { SimRoute } from '../sim.ts'
import { conflict, resolveUser } from './common.ts'

const tokenSchema = z.strictObject({
  lifetime: z.number().int().min(0).optional(),
  scope: z.enum(['all', 'application_connect']).optional(),
  token_name: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  allow_list: z.array(z.unknown()).optional(),
})

/** API tokens: `POST`/`GET /users/{user}/keys/tokens`, `DELETE /users/{user}/keys/{id}`. */
export function apiKeyRoutes(): SimRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/api/v2/users/:user/keys/tokens',
      handler: async (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        const body = await readJson(ctx.req, tokenSchema)
        if (user.id !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        const lifetimeMs = body.lifetime ? body.lifetime / 1e6 : MAX_TOKEN_LIFETIME_MS
        if (lifetimeMs > MAX_TOKEN_LIFETIME_MS)
          throw badRequest('Failed to validate create API key request.', [
            {
              field: 'lifetime',
              detail: `lifetime must be less than ${MAX_TOKEN_LIFETIME_MS / 3_600_000}h0m0s`,
            },
          ])
        const name =
          body.token_name || `${user.username}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`
        for (const token of ctx.sim.state.tokens.values())
          if (token.userId === user.id && token.loginType === 'token' && token.name === name)
            throw conflict(`A token with name "${name}" already exists.`, [
              { field: 'name', detail: 'duplicate token name' },
            ])
        const token = issueToken(ctx.sim.state, user, {
          lifetimeMs,
          loginType: 'token',
          name,
          scope: body.scope ?? 'all',
        })
        sendJson(ctx.res, 201, { key: token.secret })
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/users/:user/keys/tokens',
      handler: (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        if (user.id !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        const tokens = [...ctx.sim.state.tokens.values()].filter(
          (t) => t.userId === user.id && t.loginType === 'token',
        )
        sendJson(
          ctx.res,
          200,
          tokens.map((t) => ({
            id: t.id,
            user_id: t.userId,
            token_name: t.name,
            scope: t.scope,
            // codersdk/apikey.go: scopes (the legacy `all` is `coder:all`) and the allow list
            // (`*:*`, every resource, unless the token was created with one).
            scopes: [t.scope === 'all' ? 'coder:all' : `coder:${t.scope}`],
            allow_list: [{ type: '*', id: '*' }],
            login_type: 'token',
            created_at: t.createdAt,
            updated_at: t.createdAt,
            last_used: t.createdAt,
            expires_at: new Date(t.expiresAt).toISOString(),
            lifetime_seconds: Math.round((t.expiresAt - Date.parse(t.createdAt)) / 1000),
          })),
        )
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/v2/users/:user/keys/:keyid',
      handler: (ctx) => {
        const user = resolveUser(ctx, ctx.params.user!)
        if (user.id !== ctx.user.id && !isOwner(ctx.user)) throw forbidden()
        for (const [secret, token] of ctx.sim.state.tokens)
          if (token.userId === user.id && token.id === ctx.params.keyid) {
            ctx.sim.state.tokens.delete(secret)
            ctx.res.writeHead(204).end()
            return
          }
        throw notFound()
      },
    },
  ]
}

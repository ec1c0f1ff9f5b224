import { CoderChatsClient } from './client-chats.ts'
import { API, seg } from './client-core.ts'
import * as p from './parameter-schemas.ts'
import type { CoderStream } from './stream.ts'
import { validate } from './transport.ts'
import { type DialOptions, dialJsonWebSocket } from './websocket-stream.ts'

export interface DynamicParametersDialOptions extends DialOptions {
  /** Render for this user instead of the caller (`?user_id=`). */
  userId?: string
}

/** Presets, prebuilds settings and the dynamic-parameters stream (codersdk). */
export class CoderParametersClient extends CoderChatsClient {
  templateVersionPresets(versionId: string, signal?: AbortSignal): Promise<p.Preset[]> {
    const path = `${API}/templateversions/${seg(versionId)}/presets`
    return this.transport.json(p.presetsSchema, 'GET', path, { signal })
  }

  prebuildsSettings(signal?: AbortSignal): Promise<p.PrebuildsSettings> {
    return this.transport.json(p.prebuildsSettingsSchema, 'GET', `${API}/prebuilds/settings`, { signal })
  }

  /** Pauses or resumes the reconciler; Coder answers 304 when nothing changes (as the SDK, not an error). */
  async putPrebuildsSettings(settings: p.PrebuildsSettings, signal?: AbortSignal): Promise<void> {
    const res = await this.transport.send('PUT', `${API}/prebuilds/settings`, {
      json: settings,
      ok: [200, 304],
      signal,
    })
    if (res.status === 200) validate(p.prebuildsSettingsSchema, res.endpoint, res.body)
  }

  /**
   * Opens a template version's dynamic-parameters websocket: the server sends the form (id -1)
   * unprompted, then one response per `stream.send({id, inputs})` with that id.
   */
  dynamicParameters(
    versionId: string,
    options: DynamicParametersDialOptions = {},
  ): Promise<CoderStream<p.DynamicParametersResponse>> {
    const path = `${API}/templateversions/${seg(versionId)}/dynamic-parameters`
    const schema = p.dynamicParametersResponseSchema
    return dialJsonWebSocket(this.transport, path, { user_id: options.userId }, schema, (r) => [r], options)
  }

  /** One-shot evaluation over HTTP (answered with id 0). */
  evaluateDynamicParameters(
    versionId: string,
    request: p.DynamicParametersRequest,
    signal?: AbortSignal,
  ): Promise<p.DynamicParametersResponse> {
    const path = `${API}/templateversions/${seg(versionId)}/dynamic-parameters/evaluate`
    return this.transport.json(p.dynamicParametersResponseSchema, 'POST', path, { json: request, signal })
  }
}

// Provider and model bootstrap (Coder: scaletest/chat/provider.go): reuse the scaletest provider, create
// it on 404 (a 409 race re-reads), fix its URL or keys, then wait for every replica's provider cache.

import { setTimeout as sleep } from 'node:timers/promises'

import { CoderApiError, type CoderClient } from '@scaletest/vitest'

export const PROVIDER_NAME = 'coder-scaletest-mock'
export const PROVIDER_DISPLAY_NAME = 'Scaletest LLM Mock'
export const MODEL = 'scaletest-model'
const API_KEY = 'coder-scaletest'

const status = (error: unknown) => (error instanceof CoderApiError ? error.status : undefined)

export interface Bootstrap {
  modelConfigId: string
  /** True when the provider was created or changed (and the propagation wait ran). */
  changed: boolean
}

export async function ensureProviderAndModel(
  coder: CoderClient,
  baseUrl: string,
  options: { propagationWaitMs: number; log: (m: string) => void; signal?: AbortSignal },
): Promise<Bootstrap> {
  const { signal } = options
  let changed = false
  let provider = await coder.aiProvider(PROVIDER_NAME, signal).catch((error) => {
    if (status(error) === 404) return undefined
    throw error
  })
  if (!provider) {
    try {
      provider = await coder.createAIProvider(
        {
          type: 'openai-compat',
          name: PROVIDER_NAME,
          display_name: PROVIDER_DISPLAY_NAME,
          enabled: true,
          base_url: baseUrl,
          api_keys: [API_KEY],
        },
        signal,
      )
      changed = true
      options.log(`created AI provider ${PROVIDER_NAME}`)
    } catch (error) {
      if (status(error) !== 409) throw error
      provider = await coder.aiProvider(PROVIDER_NAME, signal) // another run created it first
    }
  }
  if (provider.type !== 'openai-compat')
    throw new Error(`refusing to use scaletest AI provider ${provider.id} with type "${provider.type}"`)
  if (provider.display_name !== PROVIDER_DISPLAY_NAME)
    throw new Error(
      `refusing to use scaletest AI provider ${provider.id} with display name "${provider.display_name}"`,
    )
  if (!provider.enabled)
    throw new Error(
      `existing scaletest AI provider ${provider.id} is disabled; re-enable or delete it before running scaletests`,
    )
  if (provider.base_url !== baseUrl || !provider.api_keys?.length) {
    provider = await coder.updateAIProvider(
      PROVIDER_NAME,
      { base_url: baseUrl, ...(!provider.api_keys?.length && { api_keys: [{ api_key: API_KEY }] }) },
      signal,
    )
    changed = true
    options.log(`updated AI provider ${PROVIDER_NAME} to ${baseUrl}`)
  }
  const models = await coder.chatModelConfigs(signal)
  let model = models.find((m) => m.model === MODEL && m.ai_provider_id === provider.id)
  if (model?.enabled === false)
    throw new Error(
      `existing scaletest chat model config ${model.id} is disabled; re-enable or delete it before running scaletests`,
    )
  if (!model)
    model = await coder.createChatModelConfig(
      {
        provider: 'openai-compat',
        ai_provider_id: provider.id,
        model: MODEL,
        display_name: 'Scaletest Model',
        enabled: true,
        is_default: false,
        context_limit: 4096,
      },
      signal,
    )
  if (changed && options.propagationWaitMs > 0) {
    options.log(`waiting ${options.propagationWaitMs} ms for the provider to reach every replica`)
    await sleep(options.propagationWaitMs, undefined, signal ? { signal } : {})
  }
  return { modelConfigId: model.id, changed }
}

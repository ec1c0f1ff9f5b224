// Presets, prebuilds settings and dynamic parameters (codersdk/presets.go,
// codersdk/prebuilds.go, codersdk/parameters.go, site/src/api/typesGenerated.ts).

import { z } from 'zod'

/** `codersdk.Preset`: Coder sends these keys in PascalCase. */
export const presetSchema = z.object({
  ID: z.string(),
  Name: z.string(),
  Parameters: z.array(z.object({ Name: z.string(), Value: z.string() })).nullable(),
  Default: z.boolean().optional(),
  DesiredPrebuildInstances: z.number().int().nullable().optional(),
  Description: z.string().optional(),
  Icon: z.string().optional(),
})
export const presetsSchema = z
  .array(presetSchema)
  .nullable()
  .transform((list) => list ?? [])

export const prebuildsSettingsSchema = z.object({ reconciliation_paused: z.boolean() })

export const diagnosticSchema = z.object({
  severity: z.enum(['error', 'warning']),
  summary: z.string(),
  detail: z.string(),
  extra: z.object({ code: z.string() }).partial().optional(),
})

const hclString = z.object({ value: z.string(), valid: z.boolean() })

export const previewParameterSchema = z.object({
  name: z.string(),
  display_name: z.string().optional(),
  description: z.string().optional(),
  type: z.string(),
  form_type: z.string(),
  mutable: z.boolean().optional(),
  default_value: hclString.optional(),
  options: z
    .array(z.object({ name: z.string(), description: z.string().optional(), value: hclString }))
    .nullish(),
  required: z.boolean().optional(),
  order: z.number().int().optional(),
  ephemeral: z.boolean().optional(),
  value: hclString,
  diagnostics: z.array(diagnosticSchema).nullish(),
})

export const dynamicParametersResponseSchema = z.object({
  id: z.number().int(),
  diagnostics: z.array(diagnosticSchema).nullish(),
  parameters: z.array(previewParameterSchema).nullish(),
})

export type Preset = z.infer<typeof presetSchema>
export type PrebuildsSettings = z.infer<typeof prebuildsSettingsSchema>
export type FriendlyDiagnostic = z.infer<typeof diagnosticSchema>
export type PreviewParameter = z.infer<typeof previewParameterSchema>
export type DynamicParametersResponse = z.infer<typeof dynamicParametersResponseSchema>

export interface DynamicParametersRequest {
  id: number
  inputs: Record<string, string>
  /** Omitted: the previous owner (Coder treats the nil uuid the same way). */
  owner_id?: string
}

// What Coder's preview engine renders for the dynamic-parameters scale test's template
// (scaletest/dynamicparameters/tf/main.tf and modules/two): a chain `zero` → `One` → module
// `two` → `Three` → `four`, each parameter's options depending on the previous value and `four`
// on the owner's roles. Other templates render no parameters (see the folder's README).

import { dataBlocks } from '../template-source.ts'

export interface Diagnostic {
  severity: 'error' | 'warning'
  summary: string
  detail: string
  extra: { code: string }
}

export interface Owner {
  username: string
  roles: string[]
}

interface Option {
  name: string
  value: string
}

const ONE_OPTIONS: Record<string, string[]> = { A: ['AA', 'AB'], B: ['BA', 'BB'] }
const THREE_OPTIONS: Record<string, string[]> = {
  AA: ['AAA', 'AAB'],
  AB: ['ABA', 'ABB'],
  BA: ['BAA', 'BAB'],
  BB: ['BBA', 'BBB'],
}
const FOUR_DEFAULT = 'a_fake_value_to_satisfy_import'

/** Which renderer a version's files get: the scale test's chain, or nothing to render. */
export function templateKind(files: Map<string, string>): 'scaletest-chain' | 'none' {
  const main = files.get('main.tf') ?? ''
  const names = new Set(dataBlocks(main, 'coder_parameter').map((b) => b.name))
  return names.has('zero') && names.has('three') ? 'scaletest-chain' : 'none'
}

/** Module `two` is only loaded when the tar carries it and Terraform's modules.json (#20034). */
export function moduleDiagnostics(files: Map<string, string>): Diagnostic[] {
  const main = files.get('main.tf') ?? ''
  if (!/module\s+"two"/.test(main)) return []
  const manifest = files.get('.terraform/modules/modules.json') ?? ''
  if (files.has('modules/two/main.tf') && manifest.includes('"two"')) return []
  return [
    error(
      'Module not loaded',
      'Module "two" is not in .terraform/modules/modules.json; the template must be uploaded after `terraform init`.',
    ),
  ]
}

export function renderChain(
  inputs: Record<string, string>,
  owner: Owner,
  base: Diagnostic[],
): { diagnostics: Diagnostic[]; parameters: unknown[] } {
  const diagnostics = [...base]
  const parameters: unknown[] = []
  const zeroOptions = ['A', 'B'].map((v) => ({ name: v, value: v }))
  const zero = parameter(
    {
      name: 'zero',
      display_name: 'Root',
      description: `Hello ${owner.username}, pick your next parameter using this \`dropdown\` parameter.`,
      type: 'string',
      form_type: 'dropdown',
      mutable: true,
      order: 0,
    },
    zeroOptions,
    'A',
    inputs.zero,
  )
  parameters.push(zero.json)
  const oneChoices = ONE_OPTIONS[zero.value]
  if (!oneChoices) {
    diagnostics.push(error('Invalid index', `The given key "${zero.value}" does not identify an element.`))
    return { diagnostics, parameters }
  }
  const one = listParameter(oneChoices, inputs.One)
  parameters.push(one.json)
  if (diagnostics.length > 0) return { diagnostics, parameters }
  const twoDefault = one.value.replace(/^[["\]]+|[["\]]+$/g, '')
  const two = parameter(
    {
      name: 'Two',
      display_name: 'Level Two',
      description: 'This is the second level.',
      type: 'string',
      form_type: 'textarea',
      mutable: true,
      order: 3,
    },
    [],
    twoDefault,
    inputs.Two,
  )
  parameters.push(two.json)
  const threeChoices = THREE_OPTIONS[two.value]
  if (!threeChoices) {
    diagnostics.push(error('Invalid index', `The given key "${two.value}" does not identify an element.`))
    return { diagnostics, parameters }
  }
  const three = parameter(
    {
      name: 'Three',
      display_name: 'Level Three',
      description: 'This is the third level.',
      type: 'string',
      form_type: 'radio',
      mutable: true,
      order: 4,
    },
    threeChoices.map((v) => ({ name: v, value: v })),
    threeChoices[0]!,
    inputs.Three,
  )
  parameters.push(three.json)
  const fourOptions = [
    { name: `${owner.username}-${three.value}`, value: FOUR_DEFAULT },
    ...owner.roles.map((role) => ({ name: `${role}-${three.value}`, value: role })),
  ]
  const four = parameter(
    {
      name: 'four',
      display_name: 'Level Four',
      description: 'This is the last level.',
      type: 'string',
      form_type: 'radio',
      mutable: false,
      order: 5,
    },
    fourOptions,
    FOUR_DEFAULT,
    inputs.four,
  )
  parameters.push(four.json)
  return { diagnostics, parameters }
}

interface Meta {
  name: string
  display_name: string
  description: string
  type: string
  form_type: string
  mutable: boolean
  order: number
}

/** `codersdk.PreviewParameter`; an input outside the options gets a parameter diagnostic. */
function parameter(meta: Meta, options: Option[], fallback: string, input: string | undefined) {
  const value = input ?? fallback
  const diagnostics: Diagnostic[] = []
  if (options.length > 0 && !options.some((o) => o.value === value))
    diagnostics.push(
      error('Value must be a valid option', `the value "${value}" must be defined as one of options`),
    )
  return { value, json: previewJson(meta, options, fallback, value, diagnostics) }
}

function listParameter(choices: string[], input: string | undefined) {
  const fallback = JSON.stringify([choices[0]])
  const value = input ?? fallback
  const diagnostics: Diagnostic[] = []
  let picked: unknown
  try {
    picked = JSON.parse(value)
  } catch {
    picked = undefined
  }
  if (!Array.isArray(picked) || picked.some((v) => typeof v !== 'string' || !choices.includes(v)))
    diagnostics.push(
      error('Value must be a valid option', `the value "${value}" must be a list of the defined options`),
    )
  const meta = {
    name: 'One',
    display_name: 'Level One',
    description: 'This is the first level.',
    type: 'list(string)',
    form_type: 'multi-select',
    mutable: true,
    order: 2,
  }
  const options = choices.map((v) => ({ name: v, value: v }))
  return { value, json: previewJson(meta, options, fallback, value, diagnostics) }
}

function previewJson(
  meta: Meta,
  options: Option[],
  fallback: string,
  value: string,
  diagnostics: Diagnostic[],
) {
  return {
    ...meta,
    styling: {},
    default_value: { value: fallback, valid: true },
    icon: '',
    options: options.map((o) => ({
      name: o.name,
      description: '',
      value: { value: o.value, valid: true },
      icon: '',
    })),
    validations: [],
    required: false,
    ephemeral: false,
    value: { value, valid: diagnostics.length === 0 },
    diagnostics,
  }
}

function error(summary: string, detail: string): Diagnostic {
  return { severity: 'error', summary, detail, extra: { code: '' } }
}

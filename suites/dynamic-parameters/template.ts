// The template the scenario evaluates, shaped like Coder's scaletest/dynamicparameters/tf: a chain
// of parameters where each one's options depend on the one before (`zero` → `One` → module `two` →
// `Three` → `four`, the last also on the owner's roles), so one change re-evaluates the whole form.
// Every copy carries a random comment, so each version is a new file and a cold cache.

import { randomBytes } from 'node:crypto'

import { createTar, type TarEntry } from '@scaletest/vitest'

export function dynamicParametersMainTf(cacheBuster: string): string {
  return `# Unique per copy, so every template version is its own file: ${cacheBuster}
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = "2.5.3"
    }
  }
}

locals {
  one_choices   = { "A" = ["AA", "AB"], "B" = ["BA", "BB"] }
  three_choices = { "AA" = ["AAA", "AAB"], "AB" = ["ABA", "ABB"], "BA" = ["BAA", "BAB"], "BB" = ["BBA", "BBB"] }
  owner_name    = data.coder_workspace_owner.me.name
}

data "coder_workspace_owner" "me" {}

data "coder_parameter" "zero" {
  name         = "zero"
  display_name = "Root"
  description  = "First choice for \${local.owner_name}; everything below depends on it."
  form_type    = "dropdown"
  mutable      = true
  default      = "A"
  option {
    name  = "A"
    value = "A"
  }
  option {
    name  = "B"
    value = "B"
  }
}

data "coder_parameter" "one" {
  name         = "One"
  display_name = "Level One"
  type         = "list(string)"
  form_type    = "multi-select"
  order        = 2
  mutable      = true
  default      = jsonencode([local.one_choices[data.coder_parameter.zero.value][0]])
  dynamic "option" {
    for_each = local.one_choices[data.coder_parameter.zero.value]
    content {
      name  = option.value
      value = option.value
    }
  }
}

module "two" {
  source    = "./modules/two"
  one_value = data.coder_parameter.one.value
}

data "coder_parameter" "three" {
  name         = "Three"
  display_name = "Level Three"
  form_type    = "radio"
  order        = 4
  mutable      = true
  default      = local.three_choices[module.two.two_value][0]
  dynamic "option" {
    for_each = local.three_choices[module.two.two_value]
    content {
      name  = option.value
      value = option.value
    }
  }
}

data "coder_parameter" "four" {
  name         = "four"
  display_name = "Level Four"
  form_type    = "radio"
  order        = 5
  default      = "a_fake_value_to_satisfy_import"
  option {
    name  = "\${local.owner_name}-\${data.coder_parameter.three.value}"
    value = "a_fake_value_to_satisfy_import"
  }
  dynamic "option" {
    for_each = data.coder_workspace_owner.me.rbac_roles
    content {
      name  = "\${option.value.name}-\${data.coder_parameter.three.value}"
      value = option.value.name
    }
  }
}
`
}

const MODULE_TWO = `variable "one_value" {
  type = string
}

data "coder_parameter" "two" {
  name         = "Two"
  display_name = "Level Two"
  form_type    = "textarea"
  order        = 3
  mutable      = true
  default      = trim(var.one_value, "[\\"]")
}

output "two_value" {
  value = data.coder_parameter.two.value
}
`

/** main.tf, the module, and Terraform's module manifest (without it the module is not loaded, #20034). */
export function dynamicParametersTar(): Uint8Array {
  const manifest = {
    Modules: [
      { Key: '', Source: '', Dir: '.' },
      { Key: 'two', Source: './modules/two', Dir: 'modules/two' },
    ],
  }
  const entries: TarEntry[] = [
    { name: 'main.tf', content: dynamicParametersMainTf(randomBytes(4).toString('hex')) },
    { name: 'modules/two/main.tf', content: MODULE_TWO },
    { name: '.terraform/modules/modules.json', content: JSON.stringify(manifest) },
  ]
  return createTar(entries)
}

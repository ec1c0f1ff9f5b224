// The template each runner uploads: a Terraform module whose presets each ask for prebuilt
// workspaces, the shape of Coder's scaletest/prebuilds/tf/main.tf.tpl. A count of 0 presets gives
// the empty version that scales prebuilds back to zero.

import { createTar } from '@scaletest/vitest'

export function prebuildsMainTf(presets: number, instancesPerPreset: number): string {
  return `terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = "2.5.3"
    }
  }
}

# Nothing to provision: the scale test measures the reconciler and the provisioners, not a cloud.
resource "null_resource" "workspace" {}

data "coder_workspace_preset" "presets" {
  count = ${presets}
  name  = "preset-\${count.index + 1}"
  prebuilds {
    instances = ${instancesPerPreset}
  }
}
`
}

export function prebuildsTemplateTar(presets: number, instancesPerPreset: number): Uint8Array {
  return createTar([{ name: 'main.tf', content: prebuildsMainTf(presets, instancesPerPreset) }])
}

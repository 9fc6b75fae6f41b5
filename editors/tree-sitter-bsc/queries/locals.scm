; All declared ids share one namespace per compilation: one scope per file.
(source_file) @local.scope

(perspective
  name: (identifier) @local.definition)

(kpi
  name: (identifier) @local.definition)

(objective
  name: (identifier) @local.definition)

(measure
  name: (identifier) @local.definition)

(initiative
  name: (identifier) @local.definition)

(measure
  kpi: (identifier) @local.reference)

(property
  key: "supports"
  value: (identifier) @local.reference)

(chain
  node: (identifier) @local.reference)

-- An editing session with Neovim's built-in LSP client (Neovim 0.7 and later, headless)
-- against `bsc lsp`, on a copy of the split example. Run by tests/neovim.rs:
--   BSC=path/to/bsc PROJECT=copy/of/examples/project nvim --headless -u NONE -i NONE \
--     -c "luafile tests/neovim/session.lua"
-- Prints one line per check and `N passed, M failed` last; exits non-zero on a failure.

local bsc = os.getenv("BSC")
local dir = os.getenv("PROJECT")
local passed, failed = 0, 0

local function check(ok, what, detail)
  if ok then
    passed = passed + 1
    io.stdout:write("ok: " .. what .. "\n")
  else
    failed = failed + 1
    io.stdout:write("FAIL: " .. what .. (detail and (": " .. vim.inspect(detail)) or "") .. "\n")
  end
end

local function finish()
  io.stdout:write(passed .. " passed, " .. failed .. " failed\n")
  vim.cmd(failed == 0 and "qall!" or "cquit 1")
end

-- Diagnostics as published, by URI.
local published = {}
local initialized = false
local client_id = vim.lsp.start_client({
  name = "bsc",
  cmd = { bsc, "lsp" },
  root_dir = dir,
  on_init = function() initialized = true end,
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      published[result.uri] = result.diagnostics
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
check(client_id ~= nil, "the client starts")
if not client_id then return finish() end
check(vim.wait(10000, function() return initialized end), "initialize")
local client = vim.lsp.get_client_by_id(client_id)

local function open(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  return buf, vim.uri_from_bufnr(buf)
end

-- The position of `needle` in a buffer (ASCII lines: bytes are UTF-16 units), shifted.
local function find(buf, needle, shift)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then return { line = i - 1, character = col - 1 + (shift or 0) } end
  end
  error("not found: " .. needle)
end

local function request(method, params, buf)
  local res, err = client.request_sync(method, params, 10000, buf)
  if not res then return nil, err end
  return res.result, res.err
end

local function at(buf, uri, needle, shift)
  return { textDocument = { uri = uri }, position = find(buf, needle, shift) }
end

local function wait_diagnostics(uri, pred)
  return vim.wait(10000, function()
    local d = published[uri]
    return d ~= nil and pred(d)
  end, 20)
end

local ops_path = dir .. "/lib/operations.bsc"
local plan_path = dir .. "/plan.bsc"
local plan_uri = vim.uri_from_fname(plan_path)

-- A library file: no false errors (its importer brings in the kpi templates).
local ops, ops_uri = open(ops_path)
check(wait_diagnostics(ops_uri, function(d) return #d == 0 end), "diagnostics of a library file",
  published[ops_uri])

-- Hover and definition into the bundled library.
local hover = request("textDocument/hover", at(ops, ops_uri, "rework_rate", 2), ops)
check(hover and hover.contents.value:find("kpi template `rework_rate`", 1, true),
  "hover on a kpi template", hover)
local def = request("textDocument/definition", at(ops, ops_uri, "rework_rate", 2), ops)
def = def and (def[1] or def)
check(def and def.uri:match("std/kpis%.bsc$"), "definition into std/", def)

-- References from the library reach the entry file.
local refs = request("textDocument/references", vim.tbl_extend("force",
  at(ops, ops_uri, "right_first_time", 2), { context = { includeDeclaration = true } }), ops) or {}
local in_plan = 0
for _, r in ipairs(refs) do if r.uri == plan_uri then in_plan = in_plan + 1 end end
check(#refs == 3 and in_plan == 2, "references from a library file", refs)

-- Rename from the library, applied over the workspace; then `bsc check` is clean.
local edit = request("textDocument/rename", vim.tbl_extend("force",
  at(ops, ops_uri, "right_first_time", 2), { newName = "first_pass" }), ops)
check(edit and edit.changes and edit.changes[plan_uri], "rename returns edits in the entry file", edit)
if edit then
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding or "utf-16")
  vim.cmd("silent wall")
end
local out = vim.fn.system({ "sh", "-c", "cd '" .. dir .. "' && '" .. bsc .. "' check" })
check(vim.v.shell_error == 0, "bsc check of the project after the rename", out)

-- Definition from the entry file into the library.
local plan, _ = open(plan_path)
def = request("textDocument/definition", at(plan, plan_uri, "first_pass ->", 2), plan)
def = def and (def[1] or def)
check(def and def.uri == ops_uri, "definition into another file", def)

-- Completion in a half-typed file: after `from ` and after `a -> `.
local last = vim.api.nvim_buf_line_count(plan)
local typed = "perspective internal { objective fast \"Fast\" { measure cycle \"Cycle\" from "
vim.api.nvim_buf_set_lines(plan, last, last, false, { typed })
local items = request("textDocument/completion",
  { textDocument = { uri = plan_uri }, position = { line = last, character = #typed } }, plan)
items = items and (items.items or items) or {}
local labels = {}
for _, i in ipairs(items) do labels[i.label] = true end
check(labels["nps"] and not labels["first_pass"], "completion after `from ` (half-typed)", vim.tbl_keys(labels))
typed = "map { first_pass -> "
vim.api.nvim_buf_set_lines(plan, last, last + 1, false, { typed })
items = request("textDocument/completion",
  { textDocument = { uri = plan_uri }, position = { line = last, character = #typed } }, plan)
items = items and (items.items or items) or {}
labels = {}
for _, i in ipairs(items) do labels[i.label] = true end
check(labels["on_time_jobs"] and not labels["nps"], "completion after `a -> ` (half-typed)", vim.tbl_keys(labels))
vim.api.nvim_buf_set_lines(plan, last, last + 1, false, {})

-- A quick fix applied: a typo in the map, its did-you-mean.
local typo = find(plan, "lift_margin :", 0)
vim.api.nvim_buf_set_text(plan, typo.line, typo.character, typo.line, typo.character + 11, { "lift_margn" })
check(wait_diagnostics(plan_uri, function(d)
  for _, x in ipairs(d) do if x.code == "unknown-ref" then return true end end
  return false
end), "the typo is reported", published[plan_uri])
local diag
for _, x in ipairs(published[plan_uri] or {}) do if x.code == "unknown-ref" then diag = x end end
local actions = diag and request("textDocument/codeAction", {
  textDocument = { uri = plan_uri }, range = diag.range, context = { diagnostics = { diag } },
}, plan) or {}
check(actions[1] and actions[1].title == "replace with `lift_margin`", "a quick fix is offered", actions)
if actions[1] then
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding or "utf-16")
end
check(vim.api.nvim_buf_get_lines(plan, typo.line, typo.line + 1, false)[1]:find("lift_margin :", 1, true),
  "the quick fix applied")
check(wait_diagnostics(plan_uri, function(d) return #d == 0 end), "the fix clears the diagnostic",
  published[plan_uri])

-- Formatting: a badly indented line comes back in `bsc fmt`'s layout.
vim.api.nvim_buf_set_lines(plan, typo.line, typo.line, false, { "      first_pass ->   on_time_jobs" })
local edits = request("textDocument/formatting",
  { textDocument = { uri = plan_uri }, options = { tabSize = 2, insertSpaces = true } }, plan)
check(edits and #edits > 0, "formatting returns edits", edits)
if edits then vim.lsp.util.apply_text_edits(edits, plan, client.offset_encoding or "utf-16") end
vim.cmd("silent write")
out = vim.fn.system({ bsc, "fmt", "--check", plan_path })
check(vim.v.shell_error == 0, "the formatted buffer is in bsc fmt's layout", out)

vim.lsp.stop_client(client_id)
finish()

// VS Code client for the bsc language server (`bsc lsp`, JSON-RPC over stdio).
// Plain CommonJS, no build step: VS Code loads this file as the extension's `main`.
'use strict';

const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** The `bsc` binary from the `bsc.path` setting (`~` expanded); "bsc" means: look it up on PATH. */
function serverCommand() {
  let command = vscode.workspace.getConfiguration('bsc').get('path', 'bsc') || 'bsc';
  command = command.trim();
  if (command === '~' || command.startsWith('~/')) {
    command = path.join(os.homedir(), command.slice(1));
  }
  return command;
}

async function startClient(context) {
  const command = serverCommand();
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  const serverOptions = { run, debug: run };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'bsc' },
      { scheme: 'untitled', language: 'bsc' },
    ],
    // The server reads `inlayHints` here at start, and `bsc.inlayHints` from the
    // settings the client sends when they change.
    initializationOptions: {
      inlayHints: vscode.workspace.getConfiguration('bsc').get('inlayHints', true),
    },
    synchronize: {
      configurationSection: 'bsc',
      // Imported .bsc files and the data files measures read change diagnostics too.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{bsc,csv,xlsx,xlsm,xls,ods,sqlite,sqlite3,db}'),
    },
  };
  client = new LanguageClient('bsc', 'bsc language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err && err.message ? err.message : String(err);
    vscode.window
      .showErrorMessage(
        `Could not start the bsc language server (\`${command} lsp\`): ${message}. ` +
          'Install bsc on your PATH or point the `bsc.path` setting at the binary.',
        'Open Settings'
      )
      .then((choice) => {
        if (choice === 'Open Settings') {
          vscode.commands.executeCommand('workbench.action.openSettings', 'bsc.path');
        }
      });
    const failed = client;
    client = undefined;
    try {
      await failed.dispose();
    } catch (_) {
      // already stopped
    }
  }
}

async function stopClient() {
  if (!client) return;
  const running = client;
  client = undefined;
  try {
    await running.stop();
  } catch (_) {
    // the server may already have exited
  }
}

async function restartClient(context) {
  await stopClient();
  await startClient(context);
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('bsc.restartServer', () => restartClient(context)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('bsc.path')) {
        restartClient(context);
      }
    })
  );
  return startClient(context);
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };

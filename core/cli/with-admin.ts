import { Admin } from '../client/admin.js';

/** Help text of every verb's `--bootstrap-server` option. */
export const BOOTSTRAP_HELP =
  'host:port[,host:port] (default: $FJORD_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)';

/** Connects an {@link Admin}, runs `work` with it and closes it, whatever happens. */
export async function withAdmin<T>(
  bootstrap: string | undefined,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = await Admin.connect(bootstrap);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

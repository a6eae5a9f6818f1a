import { test as setup } from "@playwright/test";
import { authState, E2E_DATA_DIR, E2E_PASSWORD, E2E_USERS, SIGNED_OUT, type E2eRole } from "./support/env";
import { addUser, signIn } from "./support/users";

// One account per role, signed in once through /login; the specs reuse these cookies.
setup.use({ storageState: SIGNED_OUT });

setup("create an account per role and sign each in", async ({ browser }) => {
  for (const [role, user] of Object.entries(E2E_USERS) as [E2eRole, (typeof E2E_USERS)[E2eRole]][]) {
    addUser(E2E_DATA_DIR, user, E2E_PASSWORD);
    const context = await browser.newContext({ storageState: SIGNED_OUT });
    await signIn(await context.newPage(), user.email, E2E_PASSWORD);
    await context.storageState({ path: authState(role) });
    await context.close();
  }
});

// Expires a share link in DATA_DIR's store: an expired link without waiting a day or faking a clock.
import { getStore } from "../../lib/store/db";
import { setShareLinkExpiry } from "../../lib/store/share-links";

const id = process.argv[2];
if (!id) throw new Error("usage: expire-share-link.ts LINK_ID");
const db = await getStore();
await setShareLinkExpiry(db, id, Date.now() - 1_000);
await db.destroy();

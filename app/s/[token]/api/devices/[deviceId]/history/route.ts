// A share link's page reads its device through its own path: the wrapper resolves the link's
// principal from the token there, and the same handler answers for that device only.
export { GET } from "@/app/api/devices/[deviceId]/history/route";

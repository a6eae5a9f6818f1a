/** CLI: `tsx simulator/main.ts --port 4010 --key abc --control-port 4011`. stdout carries only the JSON "listening" line. */
import { OptionError, optionsFromArgs, optionsFromEnv, usage } from "./options";
import { startSimulator } from "./server";

function fail(message: string): never {
  process.stderr.write(`${JSON.stringify({ event: "error", message })}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof optionsFromArgs>;
  let env: ReturnType<typeof optionsFromEnv>;
  try {
    env = optionsFromEnv(process.env);
    args = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof OptionError) {
      process.stderr.write(`${error.message}\n\n${usage()}`);
      process.exit(2);
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(usage());
    return;
  }

  const simulator = await startSimulator({ ...env, ...args.options });
  process.stdout.write(
    `${JSON.stringify({
      event: "listening",
      url: simulator.url,
      port: simulator.port,
      controlUrl: simulator.controlUrl,
      controlPort: simulator.controlPort,
      devices: simulator.fleet.devices.length,
      seed: simulator.options.seed,
    })}\n`,
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

"""`cshub demo --region`: three synthetic hubs and the regional CSHub on loopback, each its own
process with its own database (docs/region.md, "A region on one machine").

Each hub gets the demo's synthetic city (its own seed) and its records of the region's shared
people (cshub.demo.region); the region gets the demo accounts only. Then, as an operator
would: `cshub region keys` on each, `register` each peer everywhere, `send-encodings --all`
on each hub, `deliver` (the region matches), `deliver` on the region (both hubs told),
`send-return` for the last ended quarter. Then it serves them until Ctrl-C, delivering each
instance's outbox every few seconds (`cshub region run --once`)."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cshub.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from cshub.demo.region import HUBS, LINKAGE_SECRET, REGION_ID, REGION_NAME
from cshub.region.instances import Instance, InstanceError, Region, stop_on_terminate
from cshub.returns.export import last_ended

ROUND_SECONDS = 15  # how often the served region delivers its outboxes


def region_instances(var_root: Path, base_port: int) -> list[Instance]:
    """The region on `base_port`, the hubs on the next ports, each under `var_root`."""
    region = Instance(REGION_ID, REGION_NAME, "region", base_port, var_root / REGION_ID)
    hubs = [
        Instance(spec.hub_id, spec.name, "hub", base_port + n, var_root / spec.hub_id, spec.districts)
        for n, spec in enumerate(HUBS, start=1)
    ]
    return [region, *hubs]


def link_region(region: Region, say: Callable[[str], None]) -> list[str]:
    """Keys, peers, encodings, matches and returns, in the order an operator would run
    them. Returns what could not be done (a part of the region not built here, say)."""
    problems: list[str] = []

    def step(what: str, instance: Instance, *args: str) -> bool:
        try:
            region.command(instance, *args)
        except InstanceError as exc:
            problems.append(f"{what}: {exc}")
            return False
        return True

    say("Making each instance's keys and registering every peer…")
    try:
        region.register_all()
    except InstanceError as exc:
        problems.append(f"keys and peers: {exc}")
        return problems  # nothing can be sent without peers
    say("Sending each hub's linkage encodings to the region…")
    for hub in region.hubs:
        step("encodings", hub, "region", "send-encodings", "--all")
        step("delivery", hub, "region", "deliver")
    say("Matching at the region, and telling both hubs of each match it found…")
    step("matching", region.region, "region", "run", "--once")
    step("delivery", region.region, "region", "deliver")
    quarter = str(last_ended())
    say(f"Sending each hub's quarterly return for {quarter}…")
    for hub in region.hubs:
        step("return", hub, "region", "send-return", "--quarter", quarter)
        step("delivery", hub, "region", "deliver")
    step("delivery", region.region, "region", "deliver")
    return problems


def run_region_demo(
    var_root: Path, base_port: int, say: Callable[[str], None], *, serve: bool = True
) -> None:
    """Prepare the region demo under `var_root` and (unless `serve` is false) serve it."""
    instances = region_instances(var_root, base_port)
    with stop_on_terminate(), Region(instances, linkage_secret=LINKAGE_SECRET) as region:
        say("Making three synthetic hubs (Manchester, Bury, Salford) and the region…")

        def prepare(instance: Instance) -> str:
            if instance.role == "region":
                return region.command(instance, "region_demo", "region").stdout.strip()
            seed = next(s.seed for s in HUBS if s.hub_id == instance.hub_id)
            region.command(instance, "demo", "--no-serve", "--seed", str(seed))
            return region.command(instance, "region_demo", "hub").stdout.strip()

        region.migrate()
        with ThreadPoolExecutor(max_workers=2) as pool:  # the hubs two at a time (2 cores)
            for said in pool.map(prepare, region.instances):
                say(said)
        region.start()
        problems = link_region(region, say)
        for problem in problems:
            say(f"Not done: {problem}")
        if problems:
            say("The instances are served without it (each answers on its own).")
        say("")
        for instance in region.instances:
            say(f"  {instance.name:<40} {instance.url}/  ({instance.role}, {instance.hub_id})")
        say(f"\nDemo accounts on every instance (password for all: {DEMO_PASSWORD}):")
        say("  " + ", ".join(a.username for a in DEMO_ACCOUNTS))
        say(
            "On a hub, `manager` sees the cross-border matches; on the region, `analyst` the regional picture."
        )
        say(f"Data and logs: {var_root} (delete it to start again).")
        if not serve:
            return
        say("Serving the region (Ctrl+C to stop)")
        try:
            while True:
                time.sleep(ROUND_SECONDS)
                for instance in region.instances:
                    if instance.process is None or instance.process.poll() is not None:
                        raise InstanceError(f"{instance.hub_id} stopped: see {instance.log}")
                    done = region.command(instance, "region", "run", "--once", check=False, timeout=120)
                    if done.returncode != 0:  # said once per failed round, not lost
                        lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
                        say(f"A round on {instance.hub_id} failed: {lines[-1] if lines else done.returncode}")
        except KeyboardInterrupt:
            say("\nStopping the region…")

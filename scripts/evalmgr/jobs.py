"""Run an evaluation runner on Hugging Face Jobs, on hardware sized from the model's real weights.

Sizing (``--hardware auto``). The model's parameter count per dtype comes from its safetensors metadata on the
Hub, its attention shape from its ``config.json``; a name never decides ("70b" in a repo name means nothing)::

    weights_gb = sum(parameters[dtype] * bytes(dtype)) / 1e9
                 (bytes as the backend holds them: vLLM's dtype="auto" runs float32 checkpoints in 16 bit;
                  lighteval's accelerate backend loads 16-bit ones in float32; CPU runs count 4 bytes/parameter)
    kv_gb      = 2 (K and V) * layers * KV heads * head size * 2 bytes * max_model_len / 1e9
                 (one sequence of the full context: vLLM refuses to start without room for it)
    need_gb    = (weights_gb + kv_gb) / devices + 3      # per GPU (or for RAM on a CPU flavor)
    fits       when need_gb <= 0.9 * memory per GPU (or RAM)

``max_model_len`` is ``--max-model-len``, else the model's context capped at 16384 tokens; it is passed to vLLM
explicitly, so the job allocates what was sized. Without a readable config the KV cache is estimated as
``weights_gb * 0.2``. ``+ 3`` GB per device is the CUDA context, CUDA graphs, activations and framework buffers;
0.9 is vLLM's default ``gpu_memory_utilization``. Among the flavors of
the Hub's hardware list that fit, the cheapest per hour wins (ties: fewer GPUs, then more memory). Several GPUs
(``devices`` > 1, tensor parallelism) only for the vLLM backend; CPU flavors only for the transformers backends
(inspect ``hf``, lighteval ``accelerate``) and models up to 0.5B parameters.

Submission: the runner script travels inline in the job (environment value ``EVAL_SCRIPT``, written to a file and
run with ``uv run`` in a uv image); the token goes only as the job secret ``HF_TOKEN``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AuthError, EvalManagerError, HubError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .hub import Hub

SCRIPTS = Path(__file__).resolve().parent / "data" / "runners"  # links to scripts/*_uv.py, copied into wheels
IMAGE = "ghcr.io/astral-sh/uv:python3.12-bookworm"
HEADROOM = 1.2  # weights x this when the attention shape is unknown: a KV cache proportional to the weights
DEFAULT_MAX_MODEL_LEN = 16384  # tokens, when neither the user nor a shorter model context says otherwise
OVERHEAD_GB = 3.0  # per device: CUDA context, CUDA graphs, framework buffers
USABLE = 0.9  # vLLM's default gpu_memory_utilization; the same margin for RAM
CPU_MAX_PARAMETERS = 500_000_000  # larger models are too slow on CPU flavors
CPU_BYTES_PER_PARAMETER = 4  # transformers on CPU: float32

# (framework, backend) -> the runner script in scripts/ that the job runs
RUNNERS: dict[tuple[str, str], str] = {
    ("inspect", "vllm"): "inspect_vllm_uv.py",
    ("inspect", "hf"): "inspect_vllm_uv.py",
    ("inspect", "providers"): "inspect_eval_uv.py",
    ("lighteval", "vllm"): "lighteval_vllm_uv.py",
    ("lighteval", "accelerate"): "lighteval_vllm_uv.py",
}
REMOTE_BACKENDS = ("providers",)  # the model runs at an inference provider: the job only needs a CPU
CPU_BACKENDS = ("hf", "accelerate")


@dataclass(frozen=True)
class Flavor:
    """One Jobs hardware flavor; ``memory_gb`` is total GPU memory, or RAM for a CPU flavor."""

    name: str
    pretty_name: str
    gpus: int
    memory_gb: float
    usd_per_hour: float

    @property
    def per_device_gb(self) -> float:
        return self.memory_gb / max(self.gpus, 1)

    def describe(self) -> str:
        kind = "GPU memory" if self.gpus else "RAM"
        return f"{self.name} ({self.pretty_name}, {self.memory_gb:g} GB {kind}, ${self.usd_per_hour:.2f}/h)"


@dataclass(frozen=True)
class Attention:
    """The model's attention shape (``config.json``): what one token of KV cache costs, and the context."""

    layers: int
    kv_heads: int
    head_dim: int
    context: int | None  # max_position_embeddings

    def kv_gb(self, tokens: int, on_cpu: bool = False) -> float:
        """K and V for ``tokens`` tokens over every layer, in 16 bit (float32 on a CPU)."""
        return 2 * self.layers * self.kv_heads * self.head_dim * (4 if on_cpu else 2) * tokens / 1e9

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Attention | None:
        """From a transformers config (a multimodal model's ``text_config`` when it has one); None if unknown."""
        config = config.get("text_config") or config
        layers, heads = config.get("num_hidden_layers"), config.get("num_attention_heads")
        if not isinstance(layers, int) or not isinstance(heads, int) or heads < 1:
            return None
        kv_heads = config.get("num_key_value_heads") or heads
        head_dim = config.get("head_dim") or (config.get("hidden_size") or 0) // heads
        if not head_dim:
            return None
        return cls(layers, kv_heads, head_dim, config.get("max_position_embeddings"))


@dataclass(frozen=True)
class ModelSize:
    """Parameter counts per safetensors dtype, as the Hub reports them, and the attention shape when known."""

    repo_id: str
    parameters: dict[str, int]
    attention: Attention | None = None

    @property
    def total(self) -> int:
        return sum(self.parameters.values())

    def weights_gb(self, backend: str, on_cpu: bool = False) -> float:
        if on_cpu:
            return self.total * CPU_BYTES_PER_PARAMETER / 1e9
        return sum(n * dtype_bytes(d, backend) for d, n in self.parameters.items()) / 1e9

    def describe(self) -> str:
        mix = ", ".join(f"{d} {_count(n)}" for d, n in sorted(self.parameters.items(), key=lambda kv: -kv[1]))
        return f"{self.repo_id}: {_count(self.total)} parameters ({mix})"


@dataclass
class HardwareChoice:
    """The flavor to run on, tensor parallel size (vLLM on several GPUs) and why, for the output."""

    flavor: Flavor
    tensor_parallel_size: int | None
    reason: str
    need_gb: float | None = None
    alternatives: list[Flavor] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    max_model_len: int | None = None  # passed to vLLM: the context the sizing counted

    def to_json(self) -> dict[str, Any]:
        return {
            "flavor": self.flavor.name,
            "gpus": self.flavor.gpus,
            "memory_gb": self.flavor.memory_gb,
            "usd_per_hour": self.flavor.usd_per_hour,
            "tensor_parallel_size": self.tensor_parallel_size,
            "max_model_len": self.max_model_len,
            "need_gb_per_device": None if self.need_gb is None else round(self.need_gb, 1),
            "reason": self.reason,
            "next_cheapest": [f.name for f in self.alternatives],
        }


@dataclass
class JobOptions:
    """What to run and where (the command line of ``run_eval_job.py``)."""

    model: str
    task: str
    framework: str
    backend: str
    hardware: str = "auto"
    timeout: str = "2h"
    namespace: str | None = None
    limit: int | None = None
    push_to: str | None = None
    task_args: list[str] = field(default_factory=list)  # KEY=VALUE, inspect's -T
    max_model_len: int | None = None
    dtype: str | None = None
    gpu_memory_utilization: float | None = None


@dataclass
class Submission:
    """The job as it will be (or was) submitted; ``script`` is the runner's text (sent, never printed)."""

    image: str
    command: list[str]
    runner: str
    runner_args: list[str]
    script: str
    flavor: str
    timeout_seconds: int
    name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "image": self.image,
            "runner": self.runner,
            "runner_args": self.runner_args,
            "flavor": self.flavor,
            "timeout_seconds": self.timeout_seconds,
            "name": self.name,
            "env": {"EVAL_SCRIPT": f"<{self.runner}, {len(self.script)} characters>"},
            "secrets": ["HF_TOKEN"],
        }


# ------------------------------------------------------------------------------------------ sizing


def dtype_bytes(dtype: str, backend: str) -> float:
    """Bytes per parameter of a safetensors dtype (F32, BF16, F8_E4M3, I32 ...) as the backend holds it."""
    bits = re.search(r"\d+", dtype)
    size = int(bits.group()) / 8 if bits else 1.0  # BOOL
    floating = dtype.upper().startswith(("F", "BF"))
    if backend == "vllm" and floating and size > 2:
        return 2.0  # vLLM dtype="auto" runs float32/float64 checkpoints in 16 bit
    if backend == "accelerate" and floating and 2 <= size < 4:
        return 4.0  # lighteval's transformers (4.x) loads 16-bit checkpoints in float32 unless given a dtype
    return size


def need_gb(size: ModelSize, flavor: Flavor, backend: str, tokens: int | None = None) -> float:
    """Memory each device must hold: weights and the KV cache of ``tokens`` spread over the devices, plus
    OVERHEAD_GB; the KV cache is weights x (HEADROOM - 1) when the attention shape is unknown."""
    devices = max(flavor.gpus, 1)
    weights = size.weights_gb(backend, on_cpu=not flavor.gpus)
    if size.attention is None or tokens is None:
        return weights * HEADROOM / devices + OVERHEAD_GB
    return (weights + size.attention.kv_gb(tokens, on_cpu=not flavor.gpus)) / devices + OVERHEAD_GB


def context_tokens(size: ModelSize, wanted: int | None) -> int | None:
    """The max_model_len to size for and pass to vLLM: the user's, else the model's context up to the default."""
    if wanted is not None:
        context = size.attention.context if size.attention else None
        if context and wanted > context:
            raise UsageError(f"--max-model-len {wanted} is longer than {size.repo_id}'s context of {context} tokens",
                             f"use --max-model-len {context} or less")
        return wanted
    if size.attention is None:
        return None
    return min(size.attention.context or DEFAULT_MAX_MODEL_LEN, DEFAULT_MAX_MODEL_LEN)


def eligible(size: ModelSize, flavor: Flavor, backend: str) -> bool:
    """Whether the backend can use this kind of flavor at all (before memory)."""
    if not flavor.gpus:
        return backend in CPU_BACKENDS and size.total <= CPU_MAX_PARAMETERS
    return flavor.gpus == 1 or backend == "vllm"


def fits(size: ModelSize, flavor: Flavor, backend: str, tokens: int | None = None) -> bool:
    return eligible(size, flavor, backend) and need_gb(size, flavor, backend, tokens) <= USABLE * flavor.per_device_gb


def _price_order(flavor: Flavor) -> tuple[float, int, float, str]:
    return (flavor.usd_per_hour, flavor.gpus, -flavor.memory_gb, flavor.name)


def choose_hardware(size: ModelSize, flavors: list[Flavor], backend: str, tokens: int | None = None) -> HardwareChoice:
    """The cheapest flavor the model (and the KV cache of ``tokens``) fits on, with the reasoning;
    EvalManagerError when none fits."""
    fitting = sorted((f for f in flavors if fits(size, f, backend, tokens)), key=_price_order)
    if not fitting:
        raise _too_big(size, flavors, backend, size.weights_gb(backend), tokens)
    best = fitting[0]
    need = need_gb(size, best, backend, tokens)
    spread = f"on each of {best.gpus} GPUs (vLLM tensor parallel size {best.gpus})" if best.gpus > 1 else (
        "of RAM (CPU run, float32)" if not best.gpus else "on one GPU")
    weights = size.weights_gb(backend, on_cpu=not best.gpus)
    if size.attention is not None and tokens is not None:
        a = size.attention
        formula = (f"weights + KV cache of {tokens} tokens = {a.kv_gb(tokens, on_cpu=not best.gpus):.3g} GB "
                   f"({a.layers} layers x {a.kv_heads} KV heads x {a.head_dim} head size) + {OVERHEAD_GB:g} GB")
    else:
        formula = f"weights x {HEADROOM} + {OVERHEAD_GB:g} GB; attention shape unknown"
    reason = (
        f"{size.describe()} = {weights:.3g} GB of weights for {backend}; needs {need:.3g} GB {spread} "
        f"({formula}, within {USABLE:.0%} of memory). Chosen: {best.describe()}, the cheapest flavor that fits."
    )
    return HardwareChoice(best, _tp(best, backend), reason, need, fitting[1:4], max_model_len=tokens)


def _too_big(size: ModelSize, flavors: list[Flavor], backend: str, weights: float,
             tokens: int | None) -> EvalManagerError:
    largest = max((f for f in flavors if eligible(size, f, backend)), key=lambda f: f.memory_gb, default=None)
    closest = (f"; the largest option, {largest.describe()}, offers {USABLE * largest.per_device_gb:.1f} GB per "
               f"device and would need {need_gb(size, largest, backend, tokens):.1f} GB") if largest else ""
    hint = ("use --backend vllm, which can spread the model over several GPUs" if backend != "vllm"
            else "give a shorter --max-model-len, evaluate a smaller or quantized variant, or use your own hardware")
    return EvalManagerError(
        f"{size.describe()} = {weights:.0f} GB of weights does not fit any Jobs flavor for {backend}{closest}", hint)


def _tp(flavor: Flavor, backend: str) -> int | None:
    return flavor.gpus if backend == "vllm" and flavor.gpus > 1 else None


def parse_flavors(items: list[Any]) -> list[Flavor]:
    """``Flavor``s from ``HfApi.list_jobs_hardware()`` entries (vram is the total over the GPUs)."""
    flavors = []
    for item in items:
        accel = item.accelerator
        gpus = int(accel.quantity) if accel is not None else 0
        memory = _gigabytes(accel.vram if accel is not None else item.ram)
        per_unit = {"second": 3600, "minute": 60, "hour": 1}.get(str(item.unit_label).lower(), 60)
        # the Hub prices by the hour in cents; its per-minute cost is rounded, so round back to cents
        hourly = (Decimal(str(item.unit_cost_usd)) * per_unit).quantize(Decimal("0.01"))
        flavors.append(Flavor(item.name, item.pretty_name, gpus, memory, float(hourly)))
    return flavors


def _gigabytes(text: str) -> float:
    match = re.match(r"\s*([\d.]+)\s*([KMGT]i?B)?", text or "", re.IGNORECASE)
    if not match:
        return 0.0
    scale = {"K": 1e-6, "M": 1e-3, "G": 1.0, "T": 1e3}[(match.group(2) or "G")[0].upper()]
    return float(match.group(1)) * scale


def list_flavors(hub: Hub) -> list[Flavor]:
    return parse_flavors(hub.call("listing the Jobs hardware", hub.api.list_jobs_hardware))


BUNDLED_FLAVORS = Path(__file__).parent / "data" / "jobs_flavors.json"


def bundled_flavors() -> tuple[list[Flavor], str]:
    """The flavor table shipped with the package (for an offline dry run) and the date it was taken."""
    data = json.loads(BUNDLED_FLAVORS.read_text(encoding="utf-8"))
    flavors = [Flavor(f["name"], f["pretty_name"], f["gpus"], float(f["memory_gb"]), float(f["usd_per_hour"]))
               for f in data["flavors"]]
    return flavors, data["as_of"]


def model_size(hub: Hub, repo_id: str) -> ModelSize | None:
    """Parameters per dtype from the repo's safetensors metadata (None when the Hub has none), with the
    attention shape from its ``config.json`` when it has one."""
    info = hub.call(f"reading {repo_id}", hub.api.model_info, repo_id, expand=["safetensors"])
    meta = getattr(info, "safetensors", None)
    parameters = dict(getattr(meta, "parameters", None) or {})
    return ModelSize(repo_id, parameters, model_attention(hub, repo_id)) if parameters else None


def model_attention(hub: Hub, repo_id: str) -> Attention | None:
    """The attention shape from the repo's ``config.json``; None when it has none or it does not say."""
    from huggingface_hub.errors import EntryNotFoundError

    try:
        path = hub.call(f"reading {repo_id}/config.json", hub.api.hf_hub_download, repo_id, "config.json")
    except (EntryNotFoundError, HubError):
        return None
    try:
        config = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return Attention.from_config(config) if isinstance(config, dict) else None


def flavor_by_name(name: str, flavors: list[Flavor]) -> Flavor:
    found = next((f for f in flavors if f.name == name), None)
    if found is None:
        raise UsageError(f"unknown hardware flavor {name!r}",
                         "use --hardware auto or one of: " + ", ".join(f.name for f in flavors))
    return found


def plan_hardware(hub: Hub | None, opts: JobOptions, flavors: list[Flavor]) -> HardwareChoice:
    """``--hardware auto`` sized from the model, or the named flavor checked against the backend and the model.

    ``hub`` None: offline (a dry run on the bundled flavors): the model's size cannot be read.
    """
    if opts.backend in REMOTE_BACKENDS:
        flavor = flavor_by_name("cpu-basic" if opts.hardware == "auto" else opts.hardware, flavors)
        return HardwareChoice(flavor, None, f"{opts.backend}: the model runs at the provider; the job only "
                                            f"drives it. Chosen: {flavor.describe()}.")
    if opts.hardware != "auto":
        return _explicit(hub, opts, flavor_by_name(opts.hardware, flavors))
    if hub is None:
        raise UsageError("--hardware auto sizes the hardware from the model's metadata on the Hub, which cannot be "
                         "reached", "give the flavor with --hardware FLAVOR; flavors: " + ", ".join(f.name for f in flavors))
    size = model_size(hub, opts.model)
    if size is None:
        raise UsageError(
            f"{opts.model} has no safetensors metadata on the Hub, so its size (and the hardware it needs) is unknown",
            "choose the flavor yourself with --hardware FLAVOR; flavors: " + ", ".join(f.name for f in flavors))
    choice = choose_hardware(size, flavors, opts.backend, context_tokens(size, opts.max_model_len))
    if size.attention is None:
        choice.warnings.append(f"{opts.model} has no readable config.json: its KV cache is estimated from the "
                               "weights, not counted")
    return choice


def _explicit(hub: Hub | None, opts: JobOptions, flavor: Flavor) -> HardwareChoice:
    if opts.backend == "vllm" and not flavor.gpus:
        raise UsageError(f"the vLLM backend needs a GPU and {flavor.name} has none",
                         "pick a GPU flavor, use --hardware auto, or a transformers backend (inspect: hf, lighteval: "
                         "accelerate)")
    size = model_size(hub, opts.model) if hub is not None else None
    tokens = context_tokens(size, opts.max_model_len) if size is not None else opts.max_model_len
    choice = HardwareChoice(flavor, _tp(flavor, opts.backend), f"Chosen by --hardware: {flavor.describe()}.",
                            max_model_len=tokens)
    if hub is None:
        choice.warnings.append(f"offline: {opts.model}'s size was not checked against {flavor.name}")
    if flavor.gpus > 1 and opts.backend != "vllm":
        choice.warnings.append(f"{opts.backend} does not use tensor parallelism: the model runs on one of the "
                               f"{flavor.gpus} GPUs of {flavor.name}")
    elif size is not None:
        choice.need_gb = need_gb(size, flavor, opts.backend, tokens)
        if not fits(size, flavor, opts.backend, tokens):
            choice.warnings.append(f"{size.describe()} probably does not fit {flavor.name}: it needs about "
                                   f"{choice.need_gb:.1f} GB per device, {flavor.name} offers "
                                   f"{USABLE * flavor.per_device_gb:.1f} GB usable (try --hardware auto"
                                   f"{' or a shorter --max-model-len' if tokens else ''})")
    return choice


def _count(n: int) -> str:
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return str(n)


# -------------------------------------------------------------------------------------- the job


def check_options(opts: JobOptions) -> None:
    """Usage errors before any request: backend of the framework, local paths, timeout."""
    backends = sorted(b for f, b in RUNNERS if f == opts.framework)
    if (opts.framework, opts.backend) not in RUNNERS:
        raise UsageError(f"{opts.framework} has no backend {opts.backend!r}", f"use --backend {' | '.join(backends)}")
    if opts.model.startswith((".", "/", "~")) or Path(opts.model).exists() or opts.model.count("/") > 1:
        raise UsageError(f"--model {opts.model!r} looks like a local path: a job can only load a Hub model id",
                         "push the model to the Hub (a private repo works) and pass its id")
    if opts.task.partition("@")[0].endswith(".py"):
        raise UsageError(f"--task {opts.task!r} is a local task file: only the runner script travels with the job",
                         "use a task the framework registers (e.g. inspect_evals/gpqa_diamond), or run locally")
    if opts.limit is not None and opts.limit < 1:
        raise UsageError("--limit must be at least 1")
    if opts.backend != "vllm" and (opts.max_model_len or opts.gpu_memory_utilization):
        raise UsageError("--max-model-len and --gpu-memory-utilization are vLLM options", "add --backend vllm")
    if opts.task_args and opts.framework != "inspect":
        raise UsageError("-T task arguments are inspect's", f"{opts.framework} takes the task as 'task|fewshot'")
    bad = [t for t in opts.task_args if not re.fullmatch(r"[\w.-]+=.*", t)]
    if bad:
        raise UsageError(f"-T {bad[0]!r}: expected KEY=VALUE")
    timeout_seconds(opts.timeout)


def timeout_seconds(text: str) -> int:
    """``90m``, ``2h``, ``1.5h``, ``1d`` or plain seconds -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--timeout {text!r} is not a duration", "write it like 90m, 2h or 1d")
    return int(float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)])


def runner_args(opts: JobOptions, choice: HardwareChoice) -> list[str]:
    """The runner's own command line (flags as each runner script defines them)."""
    tp = choice.tensor_parallel_size
    if opts.framework == "lighteval":
        args = ["--model", opts.model, "--tasks", opts.task, "--backend", opts.backend, "--output-dir", "/tmp/results"]
        args += ["--model-args", f"tensor_parallel_size={tp}"] if tp else []
        args += ["--max-samples", str(opts.limit)] if opts.limit else []
    else:
        args = ["--model", opts.model, "--task", opts.task, "--log-dir", "/tmp/logs"]
        args += [] if opts.backend in REMOTE_BACKENDS else ["--backend", opts.backend]
        args += ["--tensor-parallel-size", str(tp)] if tp else []
        args += ["--limit", str(opts.limit)] if opts.limit else []
        args += [a for t in opts.task_args for a in ("-T", t)]
    if opts.backend == "vllm":
        args += ["--max-model-len", str(choice.max_model_len)] if choice.max_model_len else []
        args += ["--gpu-memory-utilization", str(opts.gpu_memory_utilization)] if opts.gpu_memory_utilization else []
    args += ["--dtype", opts.dtype] if opts.dtype and opts.backend not in REMOTE_BACKENDS else []
    return args + (["--push-to", opts.push_to] if opts.push_to else [])


def vllm_requirement(script: str) -> str:
    """The runner header's vLLM pin (``[tool.evalmgr] vllm``): installed with ``uv run --with`` only for vLLM."""
    match = re.search(r'^# vllm = "([^"]+)"', script, re.MULTILINE)
    if not match:
        raise EvalManagerError("the runner script's header has no vLLM pin ([tool.evalmgr] vllm)",
                               "reinstall the project or restore the runner script")
    return match.group(1)


def build_submission(opts: JobOptions, choice: HardwareChoice) -> Submission:
    """The job: the runner inline in ``EVAL_SCRIPT``, its arguments as positional shell parameters (no quoting)."""
    runner = RUNNERS[(opts.framework, opts.backend)]
    path = SCRIPTS / runner
    if not path.is_file():
        raise EvalManagerError(f"runner script {path} is missing", "reinstall the project or restore the file")
    args = runner_args(opts, choice)
    script = path.read_text(encoding="utf-8")
    with_vllm = f"--with {vllm_requirement(script)} " if opts.backend == "vllm" else ""
    command = ["bash", "-c", f'printf %s "$EVAL_SCRIPT" > /tmp/run.py && exec uv run {with_vllm}/tmp/run.py "$@"',
               runner, *args]
    name = re.sub(r"[^a-zA-Z0-9_-]", "-", f"eval-{opts.framework}-{opts.model.split('/')[-1]}")[:60]
    return Submission(IMAGE, command, runner, args, script, choice.flavor.name, timeout_seconds(opts.timeout), name)


def job_namespace(hub: Hub, namespace: str | None) -> str:
    """Jobs need a token; the namespace defaults to the token's user (always passed on explicitly)."""
    if not hub.token:
        raise AuthError("no Hugging Face token found: Jobs need one (it also becomes the job's HF_TOKEN secret)",
                        "set HF_TOKEN (https://huggingface.co/settings/tokens) or run `hf auth login`")
    return namespace or hub.whoami()["name"]


def submit(hub: Hub, sub: Submission, namespace: str) -> Any:
    """Submit the job; the token is sent only as the secret ``HF_TOKEN``. Returns the client's ``JobInfo``.

    A server error is not retried: the job may exist all the same, and a second one would run (and bill) twice.
    """
    from huggingface_hub.errors import HfHubHTTPError

    def post() -> Any:
        try:
            return hub.api.run_job(
                image=sub.image,
                command=sub.command,
                env={"EVAL_SCRIPT": sub.script, "PYTHONUNBUFFERED": "1"},
                secrets={"HF_TOKEN": hub.token},
                flavor=sub.flavor,
                timeout=sub.timeout_seconds,
                name=sub.name,
                namespace=namespace,
            )
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status >= 500:
                raise HubError(f"submitting a job in {namespace}: the Hub answered {status}; the job may have been "
                               "created anyway", f"check `hf jobs ps --namespace {namespace}` before submitting "
                               "again") from None
            raise

    return hub.call(f"submitting a job in {namespace}", post)


def stage_of(info: Any) -> str:
    stage = info.status.stage
    return str(getattr(stage, "value", stage))


def stream_logs(hub: Hub, job_id: str, namespace: str, emit: Callable[[str], None]) -> None:
    """Print the job's log lines as they come, until the job ends (a retried stream skips lines already shown)."""
    shown = 0

    def follow() -> None:
        nonlocal shown
        for i, line in enumerate(hub.api.fetch_job_logs(job_id=job_id, namespace=namespace, follow=True)):
            if i >= shown:
                emit(line)
                shown += 1

    hub.call(f"following the logs of job {job_id}", follow, bounded=False)  # as long as the job runs


def wait_for_end(hub: Hub, job_id: str, namespace: str, timeout: float) -> Any:
    """The job's final ``JobInfo`` through ``HfApi.wait_for_job`` (the log stream may end before the status);
    EvalManagerError when it has not ended within ``timeout`` seconds (the job keeps running)."""
    try:
        return hub.call(f"waiting for job {job_id}", hub.api.wait_for_job, job_id, namespace=namespace,
                        timeout=timeout, poll_interval=1.0)
    except TimeoutError:
        raise EvalManagerError(f"job {job_id} has not ended after {timeout:g} s of waiting; it keeps running",
                               f"follow it with `hf jobs logs -f {namespace}/{job_id}`") from None

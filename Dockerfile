# The qsm command line (BIDS App: qsm bids BIDS_DIR OUT_DIR participant ...) in a container.
#   docker build -t qsm-workbench .
#   docker run --rm -u "$(id -u):$(id -g)" -v /data/bids:/bids:ro -v /data/out:/out qsm-workbench \
#       bids /bids /out participant --participant-label 01 --method tkd adaptive-unet-tl --dc
# Not built or run where it was written (no Docker daemon, no network there): see README "Cohorts".
FROM node:20-bookworm-slim

WORKDIR /opt/qsm
# dependencies first, so a source change does not reinstall them; tsx (a dev dependency) runs the TypeScript
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY models ./models
RUN ln -s /opt/qsm/bin/qsm /usr/local/bin/qsm && qsm list

ENTRYPOINT ["qsm"]
CMD ["help"]

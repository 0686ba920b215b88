# ActorWss in a container. The default target is the server; `--target bench` is the load generator.
#   docker build -t actorwss .                     docker run --rm -p 9090:9090 -p 9443:9443 actorwss
#   docker run --rm actorwss --help                (arguments after the image go to the server: --set key=value)
# docker-compose.yml runs both, with config/ and certs/ mounted from the repository.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS restore
WORKDIR /src
# The project files alone first: the restore layer is reused until a package or project reference changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ActorWss/ActorWss.csproj src/ActorWss/
COPY src/ActorWss.Server/ActorWss.Server.csproj src/ActorWss.Server/
COPY samples/Chat/ActorWss.Samples.Chat.csproj samples/Chat/
COPY src/ActorWss.Bench/ActorWss.Bench.csproj src/ActorWss.Bench/
RUN dotnet restore src/ActorWss.Bench/ActorWss.Bench.csproj
COPY src/ActorWss/ src/ActorWss/
COPY src/ActorWss.Server/ src/ActorWss.Server/
COPY samples/Chat/ samples/Chat/

FROM restore AS publish
RUN dotnet publish src/ActorWss.Server -c Release -o /app --no-restore

FROM restore AS publish-bench
COPY src/ActorWss.Bench/ src/ActorWss.Bench/
RUN dotnet publish src/ActorWss.Bench -c Release -o /app --no-restore

# The load generator references Microsoft.AspNetCore.App (its Kestrel peer server), so it needs the ASP.NET runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS bench
RUN groupadd --gid 10001 actorwss \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin actorwss
WORKDIR /app
COPY --from=publish-bench /app ./
USER 10001:10001
ENTRYPOINT ["dotnet", "ActorWss.Bench.dll"]
CMD ["--help"]

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
RUN groupadd --gid 10001 actorwss \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin actorwss
WORKDIR /app
COPY --from=publish /app ./
# The shipped configuration, so the image runs on its own; compose mounts the repository's config/ over it.
COPY config/ config/
# Inside a container the listeners must bind every interface to be reachable through published ports.
ENV ACTORWSS_HOST=0.0.0.0
# No certs/ in the image: with the shipped config the server generates a certificate, and where it cannot write
# one (this folder is root's, or a read-only mount) or cannot read the development key it finds (written by
# `dotnet run` on the host, readable by its owner only) it serves one from memory, and says so once.
USER 10001:10001
EXPOSE 9090 9443
# The check reads the same config and environment as the server; ports changed with --set are not seen by it
# (change them with ACTORWSS_WS_PORT / ACTORWSS_WSS_PORT instead).
HEALTHCHECK --interval=10s --timeout=8s --start-period=15s --retries=3 CMD ["dotnet", "ActorWss.Server.dll", "--health-check"]
ENTRYPOINT ["dotnet", "ActorWss.Server.dll"]

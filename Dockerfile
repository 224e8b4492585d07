# Vibe images: `--target web` (ASP.NET Core node, co-hosted silo or client) and `--target silo` (headless silo).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Web -c Release -o /out/web \
 && dotnet publish src/Silo -c Release -o /out/silo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS web
WORKDIR /app
COPY --from=build /out/web .
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 Vibe__PreviewListen=http://0.0.0.0:5081 Vibe__DataDir=/data
EXPOSE 5080 5081 11111 30000
VOLUME /data
ENTRYPOINT ["dotnet", "Vibe.Web.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
EXPOSE 11111 30000
ENTRYPOINT ["dotnet", "Vibe.Silo.dll"]

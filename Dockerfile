# syntax=docker/dockerfile:1
#
# temppass-gateway container image.
#
#   docker build -t temppass-gateway:dev .
#   docker run --rm -p 8080:8080 -v "$PWD/my-conf:/etc/temppass/config:ro" \
#     -e TEMPPASS_CONFIG=/etc/temppass/config/gateway.yaml temppass-gateway:dev
#
# Kubernetes manifests: k8s/ (they run this image as user 10001 on a read-only root filesystem with
# a writable /tmp).

# ---- build: the fat jar, exactly as README's "mvn package" builds it ----------------------------
# Runs on the image's platform, so an arm64 image (docker buildx build --platform linux/arm64 .)
# bundles Corretto's aarch64 library (pom.xml, profile corretto-aarch64).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# pom.xml first: dependencies are resolved in their own layer and reused while only sources change.
COPY pom.xml ./
RUN mvn -B -ntp -q dependency:go-offline || true
COPY src ./src
RUN mvn -B -ntp -DskipTests package

# ---- runtime: JRE only, no Maven, no sources, no build tools -----------------------------------
FROM eclipse-temurin:17-jre
# A fixed numeric non-root user: Kubernetes' runAsNonRoot can only verify a numeric USER, and the
# Deployment's runAsUser/fsGroup (10001) match it.
RUN groupadd --system --gid 10001 temppass \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin temppass
WORKDIR /app
COPY --from=build /build/target/temppass-gateway.jar /app/temppass-gateway.jar
# The documented reference configuration; it is the default when neither --config nor
# TEMPPASS_CONFIG is given (it expects its secret files under /etc/temppass/).
COPY conf/ /app/conf/
USER 10001:10001
EXPOSE 8080
# server.managementPort (/metrics) in the Kubernetes manifests
EXPOSE 9090
# Exec form: java is PID 1 and receives SIGTERM directly (a shell wrapper would swallow it and the
# gateway's graceful shutdown would never run). JVM flags come from JAVA_TOOL_OPTIONS (see
# k8s/base/deployment.yaml); container-aware defaults apply when it is unset.
ENTRYPOINT ["java", "-jar", "/app/temppass-gateway.jar"]

{{/* The CSI driver name: fixed, it is part of every PV the driver ever provisioned. */}}
{{- define "tether.driverName" -}}tether.csi.dev{{- end -}}

{{- define "tether.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tether.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tether.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "tether.labels" -}}
helm.sh/chart: {{ include "tether.chart" . }}
app.kubernetes.io/name: {{ include "tether.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tether
{{- end -}}

{{/* Selector labels of one component (controller or node); call with (dict "ctx" . "component" "controller"). */}}
{{- define "tether.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tether.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tether.componentLabels" -}}
{{ include "tether.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference from {repository, tag}; an empty tag means the chart's appVersion. Never "latest". */}}
{{- define "tether.image" -}}
{{- $tag := .image.tag | default .ctx.Chart.AppVersion -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}

{{- define "tether.controllerServiceAccount" -}}{{ include "tether.fullname" . }}-controller{{- end -}}
{{- define "tether.nodeServiceAccount" -}}{{ include "tether.fullname" . }}-node{{- end -}}

{{/* The Secret holding the SSH key (and by default known_hosts). */}}
{{- define "tether.sshSecretName" -}}
{{- .Values.backend.nvmet.ssh.secret.name | default (printf "%s-ssh" (include "tether.fullname" .)) -}}
{{- end -}}

{{- define "tether.nvmetSsh" -}}
{{- if and (eq .Values.backend.kind "nvmet") (eq .Values.backend.nvmet.mode "ssh") -}}true{{- end -}}
{{- end -}}

{{- define "tether.nvmetLocal" -}}
{{- if and (eq .Values.backend.kind "nvmet") (eq .Values.backend.nvmet.mode "local") -}}true{{- end -}}
{{- end -}}

{{/* Leader election flags shared by the controller sidecars. */}}
{{- define "tether.sidecarLeaderElection" -}}
{{- with .Values.controller.leaderElection }}
{{- if .enabled }}
- --leader-election
- --leader-election-lease-duration={{ .leaseDuration }}
- --leader-election-renew-deadline={{ .renewDeadline }}
- --leader-election-retry-period={{ .retryPeriod }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Security context of a sidecar that needs nothing from the host. */}}
{{- define "tether.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* A ClusterRoleBinding of ClusterRole <fullname>-<role> to a ServiceAccount; (dict "ctx" . "role" "x" "sa" "y" "component" "z"). */}}
{{- define "tether.clusterRoleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "tether.fullname" .ctx }}-{{ .role }}
  labels:
    {{- include "tether.componentLabels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "tether.fullname" .ctx }}-{{ .role }}
subjects:
  - kind: ServiceAccount
    name: {{ .sa }}
    namespace: {{ .ctx.Release.Namespace }}
{{- end -}}

{{/* A topology map as the binaries' KEY=VALUE,... flag format, keys sorted. */}}
{{- define "tether.topology" -}}
{{- $pairs := list -}}
{{- range $key, $value := . -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

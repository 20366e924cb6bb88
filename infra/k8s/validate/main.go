// Command validate checks the Kubernetes manifests under a directory without a cluster or the
// internet: every YAML document is decoded strictly into its typed Kubernetes object (an unknown
// or misspelt field fails), and a few cross-document rules hold (probes and resources on every
// container, HPA and PDB targets exist, Service selectors match pods).
//
//	validate infra/k8s [infra/helm]   # the second directory holds Helm values: YAML syntax only
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// The kinds the manifests may use, each with its typed object.
var kinds = map[string]func() interface{}{
	"apps/v1/Deployment":                     func() interface{} { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                    func() interface{} { return &appsv1.StatefulSet{} },
	"v1/Service":                             func() interface{} { return &corev1.Service{} },
	"v1/ConfigMap":                           func() interface{} { return &corev1.ConfigMap{} },
	"v1/Secret":                              func() interface{} { return &corev1.Secret{} },
	"v1/ServiceAccount":                      func() interface{} { return &corev1.ServiceAccount{} },
	"autoscaling/v2/HorizontalPodAutoscaler": func() interface{} { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":          func() interface{} { return &policyv1.PodDisruptionBudget{} },
	"networking/v1/NetworkPolicy":            func() interface{} { return &networkingv1.NetworkPolicy{} },
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

type manifests struct {
	deployments  map[string]*appsv1.Deployment
	statefulSets map[string]*appsv1.StatefulSet
	services     []*corev1.Service
	hpas         []*autoscalingv2.HorizontalPodAutoscaler
	pdbs         []*policyv1.PodDisruptionBudget
	configMaps   map[string]bool
	secrets      map[string]bool
}

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	m := &manifests{
		deployments:  map[string]*appsv1.Deployment{},
		statefulSets: map[string]*appsv1.StatefulSet{},
		configMaps:   map[string]bool{},
		secrets:      map[string]bool{},
	}
	var problems []string
	count := 0
	files, err := yamlFiles(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", file, err))
			continue
		}
		for i, doc := range docSeparator.Split(string(data), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			where := fmt.Sprintf("%s (document %d)", file, i+1)
			obj, err := decode([]byte(doc))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", where, err))
				continue
			}
			count++
			m.add(obj)
		}
	}
	problems = append(problems, m.check()...)
	if len(os.Args) > 2 {
		values, err := yamlFiles(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, file := range values {
			data, err := os.ReadFile(file)
			var v map[string]interface{}
			if err == nil {
				err = yaml.Unmarshal(data, &v)
			}
			if err == nil && len(v) == 0 {
				err = fmt.Errorf("no values")
			}
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", file, err))
			}
		}
		files = append(files, values...)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "invalid:", p)
		}
		os.Exit(1)
	}
	fmt.Printf("%d Kubernetes objects in %d files are valid.\n", count, len(files))
}

func yamlFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "validate" {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// decode reads the document's kind and decodes it strictly into that typed object.
func decode(doc []byte) (interface{}, error) {
	var h header
	if err := yaml.Unmarshal(doc, &h); err != nil {
		return nil, fmt.Errorf("not YAML: %v", err)
	}
	newObj, ok := kinds[h.APIVersion+"/"+h.Kind]
	if !ok {
		return nil, fmt.Errorf("unsupported apiVersion/kind %q %q", h.APIVersion, h.Kind)
	}
	if h.Metadata.Name == "" {
		return nil, fmt.Errorf("%s has no metadata.name", h.Kind)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict(bytes.TrimSpace(doc), obj); err != nil {
		return nil, fmt.Errorf("%s %s: %v", h.Kind, h.Metadata.Name, err)
	}
	return obj, nil
}

func (m *manifests) add(obj interface{}) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		m.deployments[o.Name] = o
	case *appsv1.StatefulSet:
		m.statefulSets[o.Name] = o
	case *corev1.Service:
		m.services = append(m.services, o)
	case *autoscalingv2.HorizontalPodAutoscaler:
		m.hpas = append(m.hpas, o)
	case *policyv1.PodDisruptionBudget:
		m.pdbs = append(m.pdbs, o)
	case *corev1.ConfigMap:
		m.configMaps[o.Name] = true
	case *corev1.Secret:
		m.secrets[o.Name] = true
	}
}

// check applies the rules that span documents.
func (m *manifests) check() []string {
	var p []string
	pods := map[string]map[string]string{}
	for name, d := range m.deployments {
		pods["Deployment "+name] = d.Spec.Template.Labels
		p = append(p, m.checkPodSpec("Deployment "+name, d.Spec.Template.Spec, true)...)
		if d.Spec.Selector == nil || !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			p = append(p, fmt.Sprintf("Deployment %s: selector does not match its pod labels", name))
		}
	}
	for name, s := range m.statefulSets {
		pods["StatefulSet "+name] = s.Spec.Template.Labels
		p = append(p, m.checkPodSpec("StatefulSet "+name, s.Spec.Template.Spec, false)...)
	}
	for _, s := range m.services {
		if len(s.Spec.Selector) > 0 && !anySelected(s.Spec.Selector, pods) {
			p = append(p, fmt.Sprintf("Service %s: selector %v matches no pod template", s.Name, s.Spec.Selector))
		}
	}
	for _, h := range m.hpas {
		ref := h.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || m.deployments[ref.Name] == nil {
			p = append(p, fmt.Sprintf("HorizontalPodAutoscaler %s: target %s/%s does not exist", h.Name, ref.Kind, ref.Name))
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			p = append(p, fmt.Sprintf("HorizontalPodAutoscaler %s: needs minReplicas >= 2 and maxReplicas >= minReplicas", h.Name))
		}
	}
	for _, b := range m.pdbs {
		if b.Spec.Selector == nil {
			p = append(p, fmt.Sprintf("PodDisruptionBudget %s: no selector", b.Name))
			continue
		}
		sel, err := metav1LabelSelector(b.Spec.Selector.MatchLabels)
		if err != nil || !anyMatch(sel, pods) {
			p = append(p, fmt.Sprintf("PodDisruptionBudget %s: selector matches no pod template", b.Name))
		}
	}
	return p
}

func (m *manifests) checkPodSpec(owner string, spec corev1.PodSpec, needProbes bool) []string {
	var p []string
	for _, c := range spec.Containers {
		where := fmt.Sprintf("%s container %s", owner, c.Name)
		if needProbes && (c.LivenessProbe == nil || c.ReadinessProbe == nil) {
			p = append(p, where+": needs livenessProbe and readinessProbe")
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				p = append(p, fmt.Sprintf("%s: no resources.requests.%s", where, r))
			}
		}
		if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
			p = append(p, where+": no resources.limits.memory")
		}
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil && !m.configMaps[from.ConfigMapRef.Name] {
				p = append(p, fmt.Sprintf("%s: ConfigMap %s is not defined", where, from.ConfigMapRef.Name))
			}
			if from.SecretRef != nil && !m.secrets[from.SecretRef.Name] && (from.SecretRef.Optional == nil || !*from.SecretRef.Optional) {
				p = append(p, fmt.Sprintf("%s: Secret %s is not defined (mark it optional or add it)", where, from.SecretRef.Name))
			}
		}
	}
	return p
}

func selects(selector, podLabels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	return labels.SelectorFromSet(selector).Matches(labels.Set(podLabels))
}

func anySelected(selector map[string]string, pods map[string]map[string]string) bool {
	for _, l := range pods {
		if selects(selector, l) {
			return true
		}
	}
	return false
}

func metav1LabelSelector(match map[string]string) (labels.Selector, error) {
	if len(match) == 0 {
		return nil, fmt.Errorf("empty selector")
	}
	return labels.SelectorFromSet(match), nil
}

func anyMatch(sel labels.Selector, pods map[string]map[string]string) bool {
	for _, l := range pods {
		if sel.Matches(labels.Set(l)) {
			return true
		}
	}
	return false
}

// Package searchattr names the custom search attributes helhed sets on its
// workflows. They let operators and the reconcile job list work by kind,
// stage, area and partner without opening histories. None of them may carry
// personal data: areas and partners are plan ids, never people.
package searchattr

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// The keys workflows upsert.
var (
	Kind    = temporal.NewSearchAttributeKeyKeyword("HelhedKind")
	Stage   = temporal.NewSearchAttributeKeyKeyword("HelhedStage")
	Area    = temporal.NewSearchAttributeKeyKeyword("HelhedArea")
	Partner = temporal.NewSearchAttributeKeyKeyword("HelhedPartner")
	PlanID  = temporal.NewSearchAttributeKeyKeyword("HelhedPlan")
	DueAt   = temporal.NewSearchAttributeKeyTime("HelhedDueAt")
)

// Definitions is what a server must register before workflows can upsert
// the keys above; the embedded dev server registers it at start.
func Definitions() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		Kind.GetName():    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		Stage.GetName():   enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		Area.GetName():    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		Partner.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		PlanID.GetName():  enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		DueAt.GetName():   enumspb.INDEXED_VALUE_TYPE_DATETIME,
	}
}

package pool

import (
	"encoding"
	"encoding/gob"
	"fmt"
	"reflect"
	"sync"
)

// What can travel: encoding/gob drops a struct field of channel or function
// type as if it were unexported, so such a value arrives in a worker with
// that field zero: a task that waits on the channel would wait forever. The
// pool refuses such types instead, when NewTask registers a task (the type
// is known then), or when a value hidden behind an interface is encoded.
// Unexported fields are dropped too; they are the type's own business and
// are not refused (Config.CheckValues shows what survives).

// typeInfo is what the pool knows of a type that travels.
type typeInfo struct {
	err     error // why it cannot travel whole, or nil
	dynamic bool  // it holds interfaces: values must be checked one by one
}

var typeInfos sync.Map // reflect.Type -> typeInfo

// checkType returns why values of type t cannot travel whole, if they
// cannot, and whether their interfaces must be checked value by value.
func checkType(t reflect.Type) typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(typeInfo)
	}
	var info typeInfo
	info.err = walkType(t, "", map[reflect.Type]bool{}, &info.dynamic)
	typeInfos.Store(t, info)
	return info
}

var (
	gobEncoderType    = reflect.TypeFor[gob.GobEncoder]()
	binaryMarshalType = reflect.TypeFor[encoding.BinaryMarshaler]()
)

// encodesItself reports whether gob hands t to its own encoding method.
func encodesItself(t reflect.Type) bool {
	return t.Implements(gobEncoderType) || reflect.PointerTo(t).Implements(gobEncoderType) ||
		t.Implements(binaryMarshalType) || reflect.PointerTo(t).Implements(binaryMarshalType)
}

// walkType looks for channels and functions in t; path names where t sits
// in the value ("" at top level, else "field X.Y" or "element of").
func walkType(t reflect.Type, path string, seen map[reflect.Type]bool, dynamic *bool) error {
	if seen[t] || encodesItself(t) {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Chan:
		return &travelError{typ: t, path: path, what: "a channel"}
	case reflect.Func:
		return &travelError{typ: t, path: path, what: "a function"}
	case reflect.Interface:
		*dynamic = true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return walkType(t.Elem(), path, seen, dynamic)
	case reflect.Map:
		if err := walkType(t.Key(), path, seen, dynamic); err != nil {
			return err
		}
		return walkType(t.Elem(), path, seen, dynamic)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			p := "field " + f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			if err := walkType(f.Type, p, seen, dynamic); err != nil {
				return err
			}
		}
	}
	return nil
}

// travelError says which part of a type gob would drop.
type travelError struct {
	typ  reflect.Type // the offending type
	path string       // where it sits, "" for the value itself
	what string       // "a channel", "a function"
}

func (e *travelError) Error() string {
	fix := "pass a *pool.Queue for a stream of values, or leave it out of what the task receives"
	if e.what == "a function" {
		fix = "register the function as a task of its own, or leave it out of what the task receives"
	}
	if e.path == "" {
		return fmt.Sprintf("%v is %s, which encoding/gob cannot send to another process; %s", e.typ, e.what, fix)
	}
	return fmt.Sprintf("its %s (%v) is %s, which encoding/gob silently drops, so a worker process would see it nil; %s",
		e.path, e.typ, e.what, fix)
}

// checkValue checks, for a type that holds interfaces, the dynamic types
// behind them in v.
func checkValue(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		e := v.Elem()
		info := checkType(e.Type())
		if info.err != nil {
			where := path
			if where == "" {
				where = "the value"
			}
			return fmt.Errorf("%s holds a %v: %w", where, e.Type(), info.err)
		}
		if info.dynamic {
			return checkValue(e, path)
		}
	case reflect.Pointer:
		if !v.IsNil() && !encodesItself(v.Type()) {
			return checkValue(v.Elem(), path)
		}
	case reflect.Slice, reflect.Array:
		if encodesItself(v.Type()) {
			return nil
		}
		for i := range v.Len() {
			if err := checkValue(v.Index(i), path); err != nil {
				return err
			}
		}
	case reflect.Map:
		if encodesItself(v.Type()) {
			return nil
		}
		for it := v.MapRange(); it.Next(); {
			if err := checkValue(it.Key(), path); err != nil {
				return err
			}
			if err := checkValue(it.Value(), path); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if encodesItself(v.Type()) {
			return nil
		}
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			p := "field " + t.Field(i).Name
			if path != "" {
				p = path + "." + t.Field(i).Name
			}
			if err := checkValue(v.Field(i), p); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkTravels returns why the value ptr points to cannot travel whole, or
// nil.
func checkTravels(ptr any) error {
	v := reflect.ValueOf(ptr).Elem()
	info := checkType(v.Type())
	if info.err != nil {
		return info.err
	}
	if info.dynamic {
		return checkValue(v, "")
	}
	return nil
}

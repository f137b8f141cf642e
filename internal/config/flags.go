package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Bind registers one flag for every leaf field of the struct that dst points to,
// named by its YAML path (nested structs join with "."), described by its `help`
// tag, defaulting to the field's current value. Parsing a flag writes the field.
// Call Bind after loading defaults and before parsing; to let a config file sit
// under the flags, load it into dst first and bind afterwards, or use Changed
// to re-apply the flags the user set.
func Bind(fs *pflag.FlagSet, dst any) {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic("config: Bind needs a pointer to a struct")
	}
	bind(fs, v.Elem(), "")
}

var textType = reflect.TypeFor[encoding.TextUnmarshaler]()

func bind(fs *pflag.FlagSet, v reflect.Value, prefix string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		if prefix != "" {
			name = prefix + "." + name
		}
		fv := v.Field(i)
		help := f.Tag.Get("help")
		if fv.Kind() == reflect.Struct && !reflect.PointerTo(fv.Type()).Implements(textType) {
			bind(fs, fv, name)
			continue
		}
		fl := fs.VarPF(&value{v: fv}, name, "", help)
		if fv.Kind() == reflect.Bool {
			fl.NoOptDefVal = "true" // --flag alone means true, as for plain bool flags
		}
	}
}

// value adapts one struct field to pflag.Value.
type value struct{ v reflect.Value }

func (p *value) Type() string {
	switch p.v.Kind() {
	case reflect.Slice:
		return p.v.Type().Elem().Kind().String() + "s"
	case reflect.Float32, reflect.Float64:
		return "float"
	}
	if p.v.Addr().Type().Implements(textType) {
		return "string"
	}
	return p.v.Kind().String()
}

func (p *value) String() string {
	if tm, ok := p.v.Interface().(encoding.TextMarshaler); ok {
		b, _ := tm.MarshalText()
		return string(b)
	}
	if p.v.Kind() == reflect.Slice {
		parts := make([]string, p.v.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(p.v.Index(i).Interface())
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(p.v.Interface())
}

func (p *value) Set(s string) error {
	if tu, ok := p.v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return tu.UnmarshalText([]byte(s))
	}
	if p.v.Kind() == reflect.Slice {
		var parts []string
		if s = strings.TrimSpace(s); s != "" {
			parts = strings.Split(s, ",")
		}
		out := reflect.MakeSlice(p.v.Type(), len(parts), len(parts))
		for i, part := range parts {
			if err := setScalar(out.Index(i), strings.TrimSpace(part)); err != nil {
				return err
			}
		}
		p.v.Set(out)
		return nil
	}
	return setScalar(p.v, s)
}

func setScalar(v reflect.Value, s string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", s)
		}
		v.SetInt(n)
	case reflect.Uint64, reflect.Uint, reflect.Uint32:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("want a non-negative integer, got %q", s)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("want a number, got %q", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("config: unsupported field kind %s", v.Kind())
	}
	return nil
}

// ApplyChanged writes into dst every flag of fs that the user set on the command
// line and that names a field of dst (flags bound by Bind to a scratch copy).
// It lets the order be: defaults, then the config file, then explicit flags.
func ApplyChanged(fs *pflag.FlagSet, dst any) error {
	real := pflag.NewFlagSet("apply", pflag.ContinueOnError)
	Bind(real, dst)
	var err error
	fs.Visit(func(f *pflag.Flag) {
		if err != nil {
			return
		}
		if target := real.Lookup(f.Name); target != nil {
			if e := target.Value.Set(f.Value.String()); e != nil {
				err = fmt.Errorf("--%s: %w", f.Name, e)
			}
		}
	})
	return err
}

import json, math, sys
D='curadeb/usr/share/cura/resources/definitions/'
settings={}
def walk(node):
    for k,v in node.items():
        if 'type' in v and v.get('type')!='category':
            settings[k]=v
        if 'children' in v: walk(v['children'])
for f in ['fdmprinter.def.json','fdmextruder.def.json']:
    walk(json.load(open(D+f))['settings'])
overrides=json.load(open(sys.argv[1]))
values={k:v.get('default_value') for k,v in settings.items()}
values.update(overrides)
class Env(dict):
    def __missing__(self,k):
        if k in values: return values[k]
        raise KeyError(k)
fns=dict(math=math, extruderValue=lambda e,k: values[k], extruderValues=lambda k:[values[k]],
         resolveOrValue=lambda k: values[k], defaultExtruderPosition=lambda: "0", anyExtruderWithMaterial=lambda k: "0",
         anyExtruderNrWithOrDefault=lambda k: "0", valueFromContainer=lambda *a: None, max=max, min=min, round=round,
         sum=sum, any=any, all=all, len=len, int=int, float=float, str=str, map=map, list=list, abs=abs)
for it in range(30):
    changed=0
    for k,v in settings.items():
        if k in overrides or 'value' not in v: continue
        try:
            r=eval(str(v['value']), fns, Env())
        except Exception as e:
            continue
        if v['type']=='int':
            try: r=int(r)
            except: pass
        if r!=values[k]: values[k]=r; changed+=1
    if not changed: break
out={k: values[k] for k in sorted(settings) if values[k] is not None}
json.dump({"version":2,"name":"3dp-agent generic: 0.4 mm nozzle, 0.2 mm layers, PLA","metadata":{"type":"machine","setting_version":19},
           "settings":{"machine_settings":{"label":"flat","type":"category","children":{k:{"label":k,"type":settings[k]['type'],"default_value":out[k]} for k in out}}}},
          open(sys.argv[2],'w'), indent=1, sort_keys=True)
print(len(out), 'settings after', it, 'passes')

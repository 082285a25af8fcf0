#!/usr/bin/env python3
# Generates builtins/spec/linkkinds.go (first version; hand edits since)
# from iproute2 v6.1.0 in a git mirror: each link_util parse_opt, its keywords
# in the order it tries them. Usage: spec-linkkinds.py > linkkinds.go
import re, subprocess, sys, json
REPO='/work/.mirror/iproute2+iproute2/repo'
def src(path):
    return subprocess.run(['git','-C',REPO,'show','v6.1.0:'+path],capture_output=True,text=True).stdout
CALL=re.compile(r'(matches|strcmp|is_prefix)\(\s*\*argv,\s*"([^"]+)"\)')
def func_body(text, name):
    m=re.search(r'^[a-z].*\b'+re.escape(name)+r'\([^;]*?\)\s*\n\{', text, re.M)
    if not m: return None
    i=m.end(); depth=1
    while depth:
        c=text[i]
        if c=='{': depth+=1
        elif c=='}': depth-=1
        i+=1
    return text[m.end():i]
def indent(l):
    n=0
    for ch in l:
        if ch=='\t': n+=8
        elif ch==' ': n+=1
        else: break
    return n
def keywords(body):
    lines=body.split('\n')
    out=[]; level=None; cur=None; prevcont=False
    for l in lines:
        calls=CALL.findall(l)
        ind=indent(l)
        cont=prevcont
        prevcont=l.rstrip().endswith('||') or l.rstrip().endswith('&&')
        if calls:
            if level is None: level=ind
            if ind==level or (cont and cur is not None and cur['line_level']==level):
                for fn,w in calls:
                    kw={'name':w,'exact':fn=='strcmp','value':False,'line_level':level,'vals':[]}
                    if cont and out: kw['canon']=out[-1].get('canon',out[-1]['name'])
                    out.append(kw)
                cur=out[-1]
                continue
            elif ind>level and cur is not None:
                for fn,w in calls: cur['vals'].append(w)
        if cur is not None and ('NEXT_ARG()' in l or 'NEXT_ARG_FWD' in l) and ind>level:
            for k in out:
                pass
            # mark all keywords sharing this branch
            j=len(out)-1
            while j>=0 and out[j] is not cur and out[j].get('canon')==cur.get('canon',cur['name']): j-=1
            cur['value']=True
            for k in out:
                if k.get('canon')==cur.get('canon',cur['name']) or k is cur or (cur.get('canon') and k['name']==cur['canon']):
                    k['value']=True
    for k in out: k.pop('line_level',None)
    return out
import re
files=subprocess.run(['git','-C',REPO,'ls-tree','--name-only','v6.1.0','ip/'],capture_output=True,text=True).stdout.split()
res={}
for f in files:
    if not re.match(r'ip/(iplink_|link_)',f): continue
    t=src(f)
    for m in re.finditer(r'struct link_util (\w+) = \{(.*?)\};',t,re.S):
        body=m.group(2)
        id_=re.search(r'\.id\s*=\s*"([^"]+)"',body)
        po=re.search(r'\.parse_opt\s*=\s*(\w+)',body)
        if not id_: continue
        kws=[]
        if po:
            b=func_body(t,po.group(1))
            if b: kws=keywords(b)
        res[id_.group(1)]=(f,po.group(1) if po else None,kws)

unparsed={"amt","bareudp","batadv","bond_slave","can","dsa","gtp","hsr","ipoib","rmnet","vxcan","wwan","macsec","erspan","ip6gre","ip6gretap","ip6erspan","ip6tnl","sit","vti","vti6","xfrm"}
ONOFF={('on','off'),('off','on')}
addr={'local','remote','group','gateway'}
ifn={'dev','link','slave1','slave2','backup_port','conduit','master'}
nums={'id','vni','ttl','hoplimit','hlim','dstport','label','flowlabel','ageing','maxaddress','bcqueuelen','miimon','updelay','downdelay','table','mux_id','linkid','relay_port','gateway_port','max_tunnels','tos','dsfield','tclass'}
# values read by hand from the parsers where the extractor cannot see them
enums={('macvlan','mode'):["private","vepa","bridge","passthru","source"],('macvtap','mode'):["private","vepa","bridge","passthru","source"],
 ('macvlan','flag'):["nopromisc","nodst","null"],('macvtap','flag'):["nopromisc","nodst","null"],
 ('ipvlan','mode'):["l2","l3","l3s"],('ipvtap','mode'):["l2","l3","l3s"],
 ('vlan','protocol'):["802.1Q","802.1ad"],('bridge','vlan_protocol'):["802.1Q","802.1ad"],
 ('bridge_slave','state'):None,('vxlan','df'):["unset","set","inherit"],('geneve','df'):["unset","set","inherit"]}
greedy={('macvlan','macaddr'),('macvtap','macaddr'),('vlan','ingress-qos-map'),('vlan','egress-qos-map'),('bond','arp_ip_target'),('bond','ns_ip6_target')}
extra={('vxlan','port'):1,('vxlan','srcport'):1}
order=sorted(res)
def gostr(l): return '[]string{'+', '.join('"%s"'%v for v in l)+'}'
out=['// Code generated from iproute2 v6.1.0 ip/iplink_*.c and ip/link_*.c (the',
'// parse_opt function of each link_util, its keywords in the order it tries',
'// them) by scripts/spec-linkkinds.py; edited by hand where noted.',
'','package spec','','// LinkKinds are the link types of iproute2 6.1 that have a link_util, and',
'// the kinds the kernel knows without one, each with its options.','var LinkKinds = []LinkKind{']
for k in order+['wireguard']:
    f,po,kws=res.get(k,('',None,[]))
    miss=', Missing: true' if k in unparsed else ''
    usage=', Usage: "type-%s"'%k
    if k=='veth':
        out.append('\t{Name: "veth"%s, Keys: []Keyword{{Name: "peer", Exact: true, Then: PeerArgs}}},'%usage); continue
    if not kws:
        out.append('\t{Name: "%s"%s%s},'%(k,usage if k!='wireguard' else '',miss)); continue
    out.append('\t{Name: "%s"%s%s, Keys: []Keyword{'%(k,usage,miss))
    for d in kws:
        n=d['name']
        if '/' in n: continue
        parts=['Name: "%s"'%n]
        if d['exact']: parts.append('Exact: true')
        if d.get('canon') and d['canon']!=n: parts.append('Canon: "%s"'%d['canon'])
        if d['value']:
            vals=[v for v in d['vals'] if v!='help']
            if (k,n) in enums:
                if enums[(k,n)] is None: parts.append('Kind: Enum, Values: PortStates')
                else: parts.append('Kind: Enum, Values: '+gostr(enums[(k,n)]))
            elif tuple(vals) in ONOFF: parts.append('Kind: OnOff')
            elif n in ifn: parts.append('Kind: IfName')
            elif n in addr: parts.append('Kind: Addr')
            elif n in nums and k not in ('gre','gretap','erspan','ip6gre','ip6gretap','ip6erspan','ip6tnl','ipip','sit','vti','vti6'): parts.append('Kind: Number')
            else: parts.append('Kind: Text')
            if (k,n) in greedy: parts.append('Greedy: true')
            if (k,n) in extra: parts.append('Extra: %d'%extra[(k,n)])
        out.append('\t\t{'+', '.join(parts)+'},')
    out.append('\t}},')
out.append('}')
print('\n'.join(out))
